using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Session;
using McpGuard.Telemetry;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// What one session's requests give their spans (docs/telemetry.md): the MCP attributes read at arrival, the
/// decision's last word, the caller's traceparent as the parent and none otherwise, the times of arrival,
/// forwarding and answer; handed to the sink once, when answered or cancelled; none for a request not sampled. The
/// record rides on the request's entry in the session's table; a request taken out before the guard answers it is
/// found by its id.
/// </summary>
public sealed class RequestSpansTests
{
    private readonly ListSink _sink = new(TraceSampler.Default);
    private readonly RequestTable _table = new();

    [Fact]
    public void ForwardedCall_ServerAndClientTimes_DecisionWithTheLastWord()
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("c1");
        using var parameters = JsonDocument.Parse("""{"name":"place_order","arguments":{"qty":"secret-qty"}}""");

        spans.Started(Enter(id), parameters.RootElement);
        Decide(spans, id, CallVerdict.RequireApproval);
        spans.Asked("call-1", "desk");
        Decide(spans, id, CallVerdict.Approved);
        spans.Forwarded(id);
        Assert.Empty(_sink.Added);
        spans.Answered(Take(id), isError: false, errorCode: null);

        var trace = Assert.Single(_sink.Added);
        Assert.True(trace.Traced);
        Assert.Equal(("tools/call", "place_order"), (trace.Method, trace.Tool));
        Assert.Equal("approved", trace.Decision);
        Assert.Equal("desk", trace.Channel);
        Assert.Equal("tools.x.rules[0]", trace.Rule);
        Assert.Equal("write", trace.Risk);
        Assert.Equal("alice", trace.Caller);
        Assert.Equal("pipe", trace.Transport);
        Assert.Equal("\"c1\"", Encoding.UTF8.GetString(trace.IdBytes()));
        Assert.False(trace.Parent.Exists);
        Assert.Equal((0UL, 0UL), (trace.TraceIdHigh, trace.TraceIdLow)); // a new trace: the exporter names it
        Assert.InRange(trace.ForwardedAt, trace.StartedAt, trace.EndedAt);
        Assert.Equal(2, trace.SpanCount);
        Assert.Null(trace.Arguments);
        Assert.Null(trace.ErrorType);
        Assert.False(spans.AnyUnanswered);
    }

    /// <summary>An unknown or hidden tool's name is the agent's text: its span is named without it.</summary>
    [Theory]
    [InlineData(CallVerdict.UnknownTool, true)]
    [InlineData(CallVerdict.Hidden, true)]
    [InlineData(CallVerdict.Deny, false)]
    [InlineData(CallVerdict.Allow, false)]
    public void Decided_ToolTheServerDidNotListOrThePolicyHides_Unlisted(CallVerdict verdict, bool unlisted)
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("c8");
        using var parameters = JsonDocument.Parse("""{"name":"made_up_7","arguments":{}}""");

        spans.Started(Enter(id), parameters.RootElement);
        Decide(spans, id, verdict);
        spans.Answered(Take(id), isError: false, errorCode: null);

        var trace = Assert.Single(_sink.Added);
        Assert.Equal(unlisted, trace.UnlistedTool);
        Assert.Equal("made_up_7", trace.Tool);
    }

    [Fact]
    public void ForwardedWithTheEntryInHand_SameAsById()
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("c7");
        using var parameters = JsonDocument.Parse("""{"name":"t","arguments":{}}""");

        var pending = Enter(id);
        spans.Started(pending, parameters.RootElement);
        spans.Forwarded(pending);
        spans.Answered(Take(id), isError: false, errorCode: null);

        var trace = Assert.Single(_sink.Added);
        Assert.InRange(trace.ForwardedAt, trace.StartedAt, trace.EndedAt);
        Assert.Null(pending.Trace);
    }

    [Fact]
    public void ForwardedToolCall_ClientSpanStartsAtTheGatesReading()
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("c6");
        using var parameters = JsonDocument.Parse("""{"name":"t","arguments":{}}""");

        var pending = Enter(id);
        spans.Started(pending, parameters.RootElement);
        var forwardedAt = Stopwatch.GetTimestamp();
        pending.TrySetCall(new ForwardedCall("call-1", "t", forwardedAt));
        spans.Forwarded(id);
        spans.Answered(Take(id), isError: false, errorCode: null);

        Assert.Equal(forwardedAt, Assert.Single(_sink.Added).ForwardedAt);
    }

    [Fact]
    public void AnswerTheSessionTimed_EndsAtTheSessionsReading()
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("c2");
        using var parameters = JsonDocument.Parse("""{"name":"t","arguments":{}}""");

        spans.Started(Enter(id), parameters.RootElement);
        spans.Forwarded(id);
        var answeredAt = Stopwatch.GetTimestamp();
        spans.Answered(Take(id), isError: false, errorCode: null, answeredAt);

        var trace = Assert.Single(_sink.Added);
        Assert.Equal(answeredAt, trace.EndedAt);
        Assert.InRange(trace.ForwardedAt, trace.StartedAt, trace.EndedAt);
    }

    [Fact]
    public void CancelledRequest_EndsCancelled_ALateAnswerMakesNoMore()
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("c9");
        using var parameters = JsonDocument.Parse("""{"name":"t","arguments":{}}""");

        spans.Started(Enter(id), parameters.RootElement);
        spans.Forwarded(id);
        Assert.True(_table.TryWithdraw(id, out _));
        Assert.True(spans.AnyUnanswered);
        spans.Cancelled(id);
        Assert.False(_table.TryTake(id, out _));
        spans.Answered(id, isError: false, errorCode: null);

        Assert.Equal("cancelled", Assert.Single(_sink.Added).ErrorType);
        Assert.False(spans.AnyUnanswered);
    }

    [Fact]
    public void TakenOutBeforeTheGuardAnswers_DecidedAndEndedById()
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("c8");
        using var parameters = JsonDocument.Parse("""{"name":"t","arguments":{}}""");

        spans.Started(Enter(id), parameters.RootElement);
        Assert.True(_table.TryRemove(id, out _));
        Decide(spans, id, CallVerdict.Deny);
        Assert.Empty(_sink.Added);
        spans.Answered(JsonRpcId.FromString("other"), isError: true, errorCode: null);
        Assert.Empty(_sink.Added);
        spans.Answered(id, isError: true, errorCode: null);

        var trace = Assert.Single(_sink.Added);
        Assert.Equal(("deny", "tool_error"), (trace.Decision, trace.ErrorType));
        Assert.Equal(0, trace.ForwardedAt);
        Assert.False(spans.AnyUnanswered);
    }

    [Theory]
    [InlineData("""{"content":[]}""", null)]
    [InlineData("""{"content":[],"isError":true}""", "tool_error")]
    public async Task ServersAnswerReplacedByTheGuards_ClientSpanKeepsTheServersOutcome(
        string serverResult, string? serverError)
    {
        // The result policy blocked the server's result: the client gets the guard's isError denial (the SERVER
        // span), but the exchange with the server (the CLIENT span) ended as the server's answer did.
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var peer = new TracedClientPeer(new RecordingPeer(), spans);
        var id = JsonRpcId.FromString("c3");
        using var parameters = JsonDocument.Parse("""{"name":"t","arguments":{}}""");
        spans.Started(Enter(id), parameters.RootElement);
        spans.Forwarded(id);
        var answer = $$"""{"jsonrpc":"2.0","id":"c3","result":{{serverResult}}}""";
        Assert.True(ServerMessageHeader.TryRead(Bytes(answer), out var server));
        var denial = """{"jsonrpc":"2.0","id":"c3","result":{"content":[],"isError":true}}""";

        await peer.SendAnswerAsync(
            Take(id), server, Bytes(denial), flush: false, TestContext.Current.CancellationToken);

        var trace = Assert.Single(_sink.Added);
        Assert.Equal("tool_error", trace.ErrorType);
        Assert.Equal(serverError, trace.ClientErrorType);
    }

    [Fact]
    public async Task GuardsOwnAnswer_BothSpansEndAlike()
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var peer = new TracedClientPeer(new RecordingPeer(), spans);
        var id = JsonRpcId.FromString("c4");
        using var parameters = JsonDocument.Parse("""{"name":"t","arguments":{}}""");
        spans.Started(Enter(id), parameters.RootElement);
        spans.Forwarded(id);
        var failure = """{"jsonrpc":"2.0","id":"c4","error":{"code":-32603,"message":"no answer"}}""";

        await peer.SendAnswerAsync(Take(id), Bytes(failure), flush: false, TestContext.Current.CancellationToken);

        var trace = Assert.Single(_sink.Added);
        Assert.Equal(("-32603", "-32603"), (trace.ErrorType, trace.ClientErrorType));
    }

    [Theory]
    [InlineData("prompts/get", """{"name":"simple-prompt","arguments":{"a":"b"}}""", "simple-prompt")]
    [InlineData("prompts/get", """{"name":7}""", null)]
    [InlineData("tools/call", """{"name":"t","arguments":{}}""", null)]
    [InlineData("resources/read", """{"name":"x","uri":"file:///x"}""", null)]
    public void PromptsGet_ThePromptsName(string method, string json, string? prompt)
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("p1");
        using var parameters = JsonDocument.Parse(json);

        spans.Started(Enter(id, method), parameters.RootElement);
        spans.Answered(Take(id), isError: false, errorCode: null);

        Assert.Equal(prompt, Assert.Single(_sink.Added).Prompt);
    }

    [Fact]
    public void TraceParentInMeta_IsTheParent_ArgumentsWhenFull()
    {
        var spans = new RequestSpans(_table, "tcp", "bob", TelemetryArguments.Full, sessionId: "s-1", traces: _sink);
        var id = JsonRpcId.FromString("c2");
        using var parameters = JsonDocument.Parse("""
            {"name":"t","arguments":{"a":1},
             "_meta":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
             "tracestate":"congo=t61rcWkgMzE","io.modelcontextprotocol/protocolVersion":"2026-07-28"}}
            """);

        Assert.Null(Activity.Current);
        spans.Started(Enter(id), parameters.RootElement);
        spans.Answered(Take(id), isError: true, errorCode: -32602);
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
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        using var parameters = JsonDocument.Parse(
            json.Replace("TP", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", StringComparison.Ordinal));

        spans.Started(Enter(JsonRpcId.FromString("c9")), parameters.RootElement);
        spans.Answered(Take(JsonRpcId.FromString("c9")), isError: false, errorCode: null);

        var trace = Assert.Single(_sink.Added);
        Assert.Equal(0x00f067aa0ba902b7UL, trace.Parent.SpanId);
        Assert.Equal("t", trace.Tool);
    }

    /// <summary>
    /// The gate takes the tool name and arguments telemetry read on arrival rather than read them again: they must
    /// be what the gate would read, whatever the parameters spell (a repeated member: the last; escaped names; a
    /// lone surrogate, which no string holds: no name, and no exception; arguments that are not an object: still
    /// refused), and give the gate the same call or the same problem.
    /// </summary>
    [Theory]
    [InlineData("""{"name":"first","name":"place_order","arguments":{"a":1},"arguments":{"b":2}}""", "place_order")]
    [InlineData("""{"\u006eame":"get_\u0074icker","\u0061rguments":{"s":"x"}}""", "get_ticker")]
    [InlineData("""{"a\u0072guments":{"q":1},"name":"t","_meta":{}}""", "t")]
    [InlineData("""{"name":"t"}""", "t")]
    [InlineData("""{"name":"t","arguments":[1]}""", "t")]
    [InlineData("""{"name":"\ud800"}""", null)]
    [InlineData("""{"name":42,"arguments":{}}""", null)]
    public void StartedToolCall_IsTheCallTheGateReads(string json, string? expected)
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        using var parameters = JsonDocument.Parse(json);

        var pending = Enter(JsonRpcId.FromString("c8"));
        var read = spans.Started(pending, parameters.RootElement);

        Assert.Equal(expected, read?.Name);
        Assert.Equal(expected, pending.Trace!.Tool);
        var gateRead = ToolCall.TryRead(parameters.RootElement, out var call, out var problem);
        var given = ToolCall.TryRead(parameters.RootElement, read, out var givenCall, out var givenProblem);
        Assert.Equal((gateRead, problem), (given, givenProblem));
        Assert.Equal(call.Name, givenCall.Name);
        Assert.Equal(call.Arguments.ValueKind, givenCall.Arguments.ValueKind);
        Assert.Equal(
            call.Arguments.ValueKind == JsonValueKind.Undefined ? null : call.Arguments.GetRawText(),
            givenCall.Arguments.ValueKind == JsonValueKind.Undefined ? null : givenCall.Arguments.GetRawText());
    }

    [Fact]
    public void RequestAfterATracedOne_IsARoot()
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        using var traced = JsonDocument.Parse("""
            {"name":"t","_meta":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
            """);
        using var plain = JsonDocument.Parse("""{"name":"t"}""");

        spans.Started(Enter(JsonRpcId.FromString("c3")), traced.RootElement);
        spans.Started(Enter(JsonRpcId.FromString("c4")), plain.RootElement);
        spans.Answered(Take(JsonRpcId.FromString("c4")), isError: false, errorCode: null);

        var root = Assert.Single(_sink.Added);
        Assert.False(root.Parent.Exists);
        Assert.NotEqual(0x4bf92f3577b34da6UL, root.TraceIdHigh);
    }

    [Fact]
    public void NotSampled_NoSpans_TheRecordLeavesWithItsEntry()
    {
        var sink = new ListSink(
            TraceSampler.FromEnvironment(v => v == "OTEL_TRACES_SAMPLER" ? "parentbased_always_on" : null));
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: sink);
        using var unsampled = JsonDocument.Parse("""
            {"name":"t","_meta":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}}
            """);

        var pending = Enter(JsonRpcId.FromString("c5"));
        spans.Started(pending, unsampled.RootElement);
        Decide(spans, JsonRpcId.FromString("c5"), CallVerdict.Allow);
        spans.Answered(Take(JsonRpcId.FromString("c5")), isError: false, errorCode: null);

        Assert.Empty(sink.Added);
        Assert.Null(pending.Trace);
        Assert.False(spans.AnyUnanswered);
    }

    /// <summary>
    /// <c>error.type</c> is a label of <c>mcp.server.operation.duration</c>, and the server picks the code: a code
    /// JSON-RPC defines or reserves for implementations (MCP's, the guard's) is itself, any other <c>_OTHER</c>, so a
    /// server answering with codes of its own cannot make a series of each.
    /// </summary>
    [Theory]
    [InlineData(42L, "_OTHER")]
    [InlineData(-1L, "_OTHER")]
    [InlineData(-32100L, "_OTHER")]
    [InlineData(9_007_199_254_740_993L, "_OTHER")]
    [InlineData(-32700L, "-32700")]
    [InlineData(-32601L, "-32601")]
    [InlineData(-32603L, "-32603")]
    [InlineData(-32003L, "-32003")]
    [InlineData(-32099L, "-32099")]
    [InlineData(-32000L, "-32000")]
    public void ErrorCode_ACodeJsonRpcDoesNotDefineOrReserve_IsOther(long code, string expected)
    {
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        using var parameters = JsonDocument.Parse("""{"name":"t","arguments":{}}""");

        spans.Started(Enter(JsonRpcId.FromString("e1")), parameters.RootElement);
        spans.Answered(Take(JsonRpcId.FromString("e1")), isError: true, errorCode: code);

        Assert.Equal(expected, Assert.Single(_sink.Added).ErrorType);
    }

    /// <summary>
    /// A request whose trace is not sampled (or with metrics and no traces: serve's <c>/metrics</c> alone) is counted
    /// by the session itself: its method and error code are bounded there too, as the exporter bounds a traced one's.
    /// </summary>
    [Fact]
    public void NotTraced_DurationLabels_MadeUpMethodAndCode_AreOther()
    {
        using var metrics = new MetricAggregation();
        var sink = new ListSink(
            TraceSampler.FromEnvironment(v => v == "OTEL_TRACES_SAMPLER" ? "parentbased_always_on" : null));
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: sink);
        var madeUp = "made-up/" + Guid.NewGuid().ToString("N");
        const long Code = 7_343_117;
        using var unsampled = JsonDocument.Parse("""
            {"_meta":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}}
            """);

        spans.Started(Enter(JsonRpcId.FromString("u1"), madeUp), unsampled.RootElement);
        spans.Answered(Take(JsonRpcId.FromString("u1")), isError: true, errorCode: Code);

        Assert.Empty(sink.Added);
        var series = metrics.Tables[0].Series.Select(s => s.Labels).ToList();
        Assert.DoesNotContain(series, l => l.First == madeUp);
        Assert.DoesNotContain(series, l => l.Second == "7343117");
        Assert.Contains(series, l => l.First == "_OTHER" && l.Second == "_OTHER");
    }

    /// <summary>
    /// A 2025 session's requests carry no revision of their own: <c>mcp.protocol.version</c> is the one the server's
    /// initialize answer negotiated, on the initialize span and every later one; a 2026-07-28 request keeps its own.
    /// </summary>
    [Fact]
    public void LegacySession_SpansCarryTheRevisionInitializeNegotiated()
    {
        var spans = new RequestSpans(_table, "tcp", "alice", TelemetryArguments.None, traces: _sink);
        using var initialize = JsonDocument.Parse(
            """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}""");
        using var call = JsonDocument.Parse("""{"name":"t","arguments":{},"_meta":{"progressToken":1}}""");
        using var modern = JsonDocument.Parse(
            """{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}""");
        var answer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("""
            {"jsonrpc":"2.0","id":"i1","result":{"capabilities":{"x":{"protocolVersion":"no"}},
             "protocolVersion":"2025-06-18","serverInfo":{"name":"s","version":"1"}}}
            """));

        spans.Started(Enter(JsonRpcId.FromString("i1"), "initialize"), initialize.RootElement);
        var answered = Take(JsonRpcId.FromString("i1"));
        spans.Negotiated(answered, answer);
        spans.Answered(answered, isError: false, errorCode: null);
        spans.Started(Enter(JsonRpcId.FromString("c1")), call.RootElement);
        spans.Answered(Take(JsonRpcId.FromString("c1")), isError: false, errorCode: null);
        spans.Started(Enter(JsonRpcId.FromString("m1"), "tools/list"), modern.RootElement);
        spans.Answered(Take(JsonRpcId.FromString("m1")), isError: false, errorCode: null);

        Assert.Equal(
            ["2025-06-18", "2025-06-18", "2026-07-28"], _sink.Added.Select(t => t.ProtocolVersion).ToArray());
    }

    /// <summary>The request enters the table of requests awaiting the server, as RequestIdStage does.</summary>
    private PendingRequest Enter(JsonRpcId id, string method = "tools/call")
    {
        var pending = new PendingRequest(id, method);
        Assert.True(_table.TryAdd(pending));
        return pending;
    }

    /// <summary>The answer takes the request out of the table with its entry in hand, as the session does.</summary>
    private PendingRequest Take(JsonRpcId id)
    {
        Assert.True(_table.TryTake(id, out var pending));
        return pending;
    }

    private static ReadOnlySequence<byte> Bytes(string json) => new(Encoding.UTF8.GetBytes(json));

    private static void Decide(RequestSpans spans, JsonRpcId id, CallVerdict verdict) =>
        spans.Decided(id, "call-1", "x", verdict, "tools.x.rules[0]", "write");

    private sealed class ListSink(TraceSampler sampler) : ITraceSink
    {
        public ConcurrentQueue<RequestTrace> Added { get; } = new();

        public TraceSampler Sampler => sampler;

        public void Add(RequestTrace trace) => Added.Enqueue(trace);
    }
}
