using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Session;
using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// The spans of one session's requests, recorded by an in-process listener (docs/telemetry.md): attributes given at
/// the start, the decision added at the end (the last one of a call decided twice), the caller's traceparent as the
/// parent and none otherwise, and the pump's current activity left as it was.
/// </summary>
public sealed class RequestSpansTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly string _tool = "tool_" + Guid.NewGuid().ToString("N");
    private readonly ActivityListener _listener;

    public RequestSpansTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GuardTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span => _ended.Enqueue(span),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public void ForwardedCall_ServerAndClientSpans_DecisionOnceWithTheLastWord()
    {
        var spans = new RequestSpans("pipe", "alice", TelemetryArguments.None);
        var id = JsonRpcId.FromString("c1");
        using var parameters = JsonDocument.Parse($$$"""{"name":"{{{_tool}}}","arguments":{"qty":"secret-qty"}}""");

        spans.Started(id, "tools/call", parameters.RootElement);
        spans.Decided(Record(id, CallVerdict.RequireApproval));
        spans.Asked("call-1", "desk");
        spans.Decided(Record(id, CallVerdict.Approved));
        spans.Forwarded(id);
        spans.Answered(id, isError: false, errorCode: null);

        var server = Assert.Single(Ended(ActivityKind.Server));
        var client = Assert.Single(Ended(ActivityKind.Client));
        Assert.Equal($"tools/call {_tool}", server.DisplayName);
        Assert.Equal(server.SpanId, client.ParentSpanId);
        Assert.Equal(default, server.ParentSpanId);
        var tags = server.TagObjects.ToList();
        Assert.Equal("approved", Assert.Single(tags, t => t.Key == TelemetryNames.Decision).Value);
        Assert.Equal("desk", Assert.Single(tags, t => t.Key == TelemetryNames.ApprovalChannel).Value);
        Assert.Equal("tools.x.rules[0]", server.GetTagItem(TelemetryNames.Rule));
        Assert.Equal("write", server.GetTagItem(TelemetryNames.Risk));
        Assert.Equal("alice", server.GetTagItem(TelemetryNames.Agent));
        Assert.Equal("\"c1\"", server.GetTagItem(TelemetryNames.RequestId));
        Assert.Equal("\"c1\"", client.GetTagItem(TelemetryNames.RequestId));
        Assert.Equal("pipe", client.GetTagItem(TelemetryNames.NetworkTransport));
        Assert.Equal(_tool, client.GetTagItem(TelemetryNames.ToolName));
        Assert.Equal("execute_tool", server.GetTagItem(TelemetryNames.OperationName));
        Assert.Null(client.GetTagItem(TelemetryNames.Decision));
        Assert.DoesNotContain(tags, t => t.Value is string s && s.Contains("secret-qty", StringComparison.Ordinal));
    }

    [Fact]
    public void CancelledRequest_SpansEndCancelled_ALateAnswerMakesNoMore()
    {
        var spans = new RequestSpans("pipe", "alice", TelemetryArguments.None);
        var id = JsonRpcId.FromString("c9");
        using var parameters = JsonDocument.Parse($$$"""{"name":"{{{_tool}}}","arguments":{}}""");

        spans.Started(id, "tools/call", parameters.RootElement);
        spans.Forwarded(id);
        spans.Cancelled(id);
        spans.Answered(id, isError: false, errorCode: null);

        var server = Assert.Single(Ended(ActivityKind.Server));
        var client = Assert.Single(Ended(ActivityKind.Client));
        Assert.Equal("cancelled", server.GetTagItem(TelemetryNames.ErrorType));
        Assert.Equal(ActivityStatusCode.Error, client.Status);
        Assert.False(spans.AnyOpen);
    }

    [Fact]
    public void TraceParentInMeta_IsTheParent_CurrentActivityUnchanged()
    {
        var spans = new RequestSpans("tcp", "bob", TelemetryArguments.Full, sessionId: "s-1");
        var id = JsonRpcId.FromString("c2");
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var parameters = JsonDocument.Parse($$$"""
            {"name":"{{{_tool}}}","arguments":{"a":1},"_meta":{"traceparent":"00-{{{traceId}}}-00f067aa0ba902b7-01",
             "io.modelcontextprotocol/protocolVersion":"2026-07-28"}}
            """);

        Assert.Null(Activity.Current);
        spans.Started(id, "tools/call", parameters.RootElement);
        spans.Forwarded(id);
        Assert.Null(Activity.Current);
        spans.Answered(id, isError: true, errorCode: -32602);
        Assert.Null(Activity.Current);

        var server = Assert.Single(Ended(ActivityKind.Server));
        Assert.Equal(traceId, server.TraceId.ToHexString());
        Assert.Equal("00f067aa0ba902b7", server.ParentSpanId.ToHexString());
        Assert.Equal("-32602", server.GetTagItem(TelemetryNames.ErrorType));
        Assert.Equal(ActivityStatusCode.Error, server.Status);
        Assert.Equal("s-1", server.GetTagItem(TelemetryNames.SessionId));
        Assert.Equal("2026-07-28", server.GetTagItem(TelemetryNames.ProtocolVersion));
        Assert.Equal("""{"a":1}""", server.GetTagItem(TelemetryNames.ToolArguments));
        Assert.Equal("-32602", Assert.Single(Ended(ActivityKind.Client)).GetTagItem(TelemetryNames.ErrorType));
    }

    [Fact]
    public void RequestAfterATracedOne_IsARootSpan()
    {
        var spans = new RequestSpans("pipe", "alice", TelemetryArguments.None);
        var first = JsonRpcId.FromString("c3");
        var second = JsonRpcId.FromString("c4");
        using var traced = JsonDocument.Parse($$$"""
            {"name":"{{{_tool}}}","_meta":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
            """);
        using var plain = JsonDocument.Parse($$"""{"name":"{{_tool}}"}""");

        spans.Started(first, "tools/call", traced.RootElement);
        spans.Started(second, "tools/call", plain.RootElement);
        spans.Answered(second, isError: false, errorCode: null);
        spans.Answered(first, isError: false, errorCode: null);

        var root = Assert.Single(
            Ended(ActivityKind.Server), s => (string?)s.GetTagItem(TelemetryNames.RequestId) == "\"c4\"");
        Assert.Equal(default, root.ParentSpanId);
        Assert.NotEqual("4bf92f3577b34da6a3ce929d0e0e4736", root.TraceId.ToHexString());
    }

    public void Dispose() => _listener.Dispose();

    private List<Activity> Ended(ActivityKind kind) =>
        [.. _ended.Where(s => s.Kind == kind && (string?)s.GetTagItem(TelemetryNames.ToolName) == _tool)];

    private static AuditDecisionRecord Record(JsonRpcId id, CallVerdict verdict) => new()
    {
        CallId = "call-1",
        RequestId = id.ToJsonElement(),
        Tool = "x",
        Decision = verdict,
        RuleId = "tools.x.rules[0]",
        Risk = "write",
    };
}
