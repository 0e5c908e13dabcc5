using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Session;
using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// What one session's requests give their spans (docs/telemetry.md): the MCP attributes read at arrival, the
/// decision's last word, the caller's traceparent as the parent and none otherwise, the times of arrival,
/// forwarding and answer; handed to the sink once, when answered or cancelled; none for a request not sampled.
/// </summary>
public sealed class RequestSpansTests
{
    private readonly ListSink _sink = new(TraceSampler.Default);

    [Fact]
    public void ForwardedCall_ServerAndClientTimes_DecisionWithTheLastWord()
    {
        var spans = new RequestSpans("pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("c1");
        using var parameters = JsonDocument.Parse("""{"name":"place_order","arguments":{"qty":"secret-qty"}}""");

        spans.Started(id, "tools/call", parameters.RootElement);
        spans.Decided(Record(id, CallVerdict.RequireApproval));
        spans.Asked("call-1", "desk");
        spans.Decided(Record(id, CallVerdict.Approved));
        spans.Forwarded(id);
        Assert.Empty(_sink.Added);
        spans.Answered(id, isError: false, errorCode: null);

        var trace = Assert.Single(_sink.Added);
        Assert.True(trace.Traced);
        Assert.Equal(("tools/call", "place_order"), (trace.Method, trace.Tool));
        Assert.Equal("approved", trace.Decision);
        Assert.Equal("desk", trace.Channel);
        Assert.Equal("tools.x.rules[0]", trace.Rule);
        Assert.Equal("write", trace.Risk);
        Assert.Equal("alice", trace.Caller);
        Assert.Equal("pipe", trace.Transport);
        Assert.Equal("\"c1\"", Encoding.UTF8.GetString(trace.Id!));
        Assert.False(trace.Parent.Exists);
        Assert.NotEqual((0UL, 0UL), (trace.TraceIdHigh, trace.TraceIdLow));
        Assert.InRange(trace.ForwardedAt, trace.StartedAt, trace.EndedAt);
        Assert.Equal(2, trace.SpanCount);
        Assert.Null(trace.Arguments);
        Assert.Null(trace.ErrorType);
        Assert.False(spans.AnyOpen);
    }

    [Fact]
    public void AnswerTheSessionTimed_EndsAtTheSessionsReading()
    {
        var spans = new RequestSpans("pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("c2");
        using var parameters = JsonDocument.Parse("""{"name":"t","arguments":{}}""");

        spans.Started(id, "tools/call", parameters.RootElement);
        spans.Forwarded(id);
        var answeredAt = Stopwatch.GetTimestamp();
        spans.Answered(id, isError: false, errorCode: null, answeredAt);

        var trace = Assert.Single(_sink.Added);
        Assert.Equal(answeredAt, trace.EndedAt);
        Assert.InRange(trace.ForwardedAt, trace.StartedAt, trace.EndedAt);
    }

    [Fact]
    public void CancelledRequest_EndsCancelled_ALateAnswerMakesNoMore()
    {
        var spans = new RequestSpans("pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("c9");
        using var parameters = JsonDocument.Parse("""{"name":"t","arguments":{}}""");

        spans.Started(id, "tools/call", parameters.RootElement);
        spans.Forwarded(id);
        spans.Cancelled(id);
        spans.Answered(id, isError: false, errorCode: null);

        Assert.Equal("cancelled", Assert.Single(_sink.Added).ErrorType);
        Assert.False(spans.AnyOpen);
    }

    [Fact]
    public void TraceParentInMeta_IsTheParent_ArgumentsWhenFull()
    {
        var spans = new RequestSpans("tcp", "bob", TelemetryArguments.Full, sessionId: "s-1", traces: _sink);
        var id = JsonRpcId.FromString("c2");
        using var parameters = JsonDocument.Parse("""
            {"name":"t","arguments":{"a":1},
             "_meta":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
             "tracestate":"congo=t61rcWkgMzE","io.modelcontextprotocol/protocolVersion":"2026-07-28"}}
            """);

        Assert.Null(Activity.Current);
        spans.Started(id, "tools/call", parameters.RootElement);
        spans.Answered(id, isError: true, errorCode: -32602);
        Assert.Null(Activity.Current);

        var trace = Assert.Single(_sink.Added);
        Assert.Equal((0x4bf92f3577b34da6UL, 0xa3ce929d0e0e4736UL), (trace.TraceIdHigh, trace.TraceIdLow));
        Assert.Equal(0x00f067aa0ba902b7UL, trace.Parent.SpanId);
        Assert.Equal("congo=t61rcWkgMzE", trace.Parent.State);
        Assert.Equal("-32602", trace.ErrorType);
        Assert.Equal("s-1", trace.SessionId);
        Assert.Equal("2026-07-28", trace.ProtocolVersion);
        Assert.Equal("""{"a":1}""", trace.Arguments);
        Assert.Equal(1, trace.SpanCount);
    }

    [Theory]
    [InlineData("""{"name":"t","\u005fmeta":{"traceparent":"TP"}}""")]
    [InlineData("""{"\u006eame":"t","_meta":{"traceparent":"TP"}}""")]
    public void EscapedMemberNames_StillRead(string json)
    {
        var spans = new RequestSpans("pipe", "alice", TelemetryArguments.None, traces: _sink);
        using var parameters = JsonDocument.Parse(
            json.Replace("TP", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", StringComparison.Ordinal));

        spans.Started(JsonRpcId.FromString("c9"), "tools/call", parameters.RootElement);
        spans.Answered(JsonRpcId.FromString("c9"), isError: false, errorCode: null);

        var trace = Assert.Single(_sink.Added);
        Assert.Equal(0x00f067aa0ba902b7UL, trace.Parent.SpanId);
        Assert.Equal("t", trace.Tool);
    }

    [Fact]
    public void RequestAfterATracedOne_IsARoot()
    {
        var spans = new RequestSpans("pipe", "alice", TelemetryArguments.None, traces: _sink);
        using var traced = JsonDocument.Parse("""
            {"name":"t","_meta":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
            """);
        using var plain = JsonDocument.Parse("""{"name":"t"}""");

        spans.Started(JsonRpcId.FromString("c3"), "tools/call", traced.RootElement);
        spans.Started(JsonRpcId.FromString("c4"), "tools/call", plain.RootElement);
        spans.Answered(JsonRpcId.FromString("c4"), isError: false, errorCode: null);

        var root = Assert.Single(_sink.Added);
        Assert.False(root.Parent.Exists);
        Assert.NotEqual(0x4bf92f3577b34da6UL, root.TraceIdHigh);
    }

    [Fact]
    public void NotSampled_NoSpans_TheRequestStillLeavesTheTable()
    {
        var sink = new ListSink(
            TraceSampler.FromEnvironment(v => v == "OTEL_TRACES_SAMPLER" ? "parentbased_always_on" : null));
        var spans = new RequestSpans("pipe", "alice", TelemetryArguments.None, traces: sink);
        using var unsampled = JsonDocument.Parse("""
            {"name":"t","_meta":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}}
            """);

        spans.Started(JsonRpcId.FromString("c5"), "tools/call", unsampled.RootElement);
        spans.Decided(Record(JsonRpcId.FromString("c5"), CallVerdict.Allow));
        spans.Answered(JsonRpcId.FromString("c5"), isError: false, errorCode: null);

        Assert.Empty(sink.Added);
        Assert.False(spans.AnyOpen);
    }

    private static AuditDecisionRecord Record(JsonRpcId id, CallVerdict verdict) => new()
    {
        CallId = "call-1",
        RequestId = id.ToJsonElement(),
        Tool = "x",
        Decision = verdict,
        RuleId = "tools.x.rules[0]",
        Risk = "write",
    };

    private sealed class ListSink(TraceSampler sampler) : ITraceSink
    {
        public ConcurrentQueue<RequestTrace> Added { get; } = new();

        public TraceSampler Sampler => sampler;

        public void Add(RequestTrace trace) => Added.Enqueue(trace);
    }
}
