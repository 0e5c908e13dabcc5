using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using McpGuard.Policy.Json;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Redaction;
using McpGuard.Telemetry;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// The spans and the duration metric of one session's client requests (docs/telemetry.md): a SERVER span from a
/// request's arrival to its answer, a CLIENT span from its forwarding to the server's answer, and the decision's
/// attributes on the SERVER span. Exists only while telemetry listens (<see cref="IsListening"/>), so a session
/// without telemetry pays nothing; the forwarded bytes are never touched (a <c>traceparent</c> is only read).
/// Per call it stays cheap (bench/HISTORY.md): while a request is in flight only its times and facts are kept in its
/// <see cref="RequestTrace"/>, which goes whole to the exporter's queue when it is answered; the spans are encoded on
/// the exporter's thread. Nothing is lost by waiting: the guard never sends its own trace context on, and a span is
/// exported only once it has ended anyway. The record rides on the request's own entry in the session's table
/// (<see cref="PendingRequest.Trace"/>): the client's direction writes it before the request is forwarded, the
/// server's direction reads it only once the server answered, so it takes no lock and no second table.
/// </summary>
/// <param name="awaiting">The session's table of requests awaiting the server: each entry carries its request's
/// record (<see cref="PendingRequest.Trace"/>), so telemetry keeps no table of its own on the way.</param>
/// <param name="requestAgents">The shared child's: each request's agent, for its span.</param>
/// <param name="traces">Where the spans go: the process's exporter unless a test gives its own.</param>
/// <param name="serverTransport">The transport to the server, on the CLIENT span; null: the client's.</param>
/// <param name="serverSessionId">The remote server's 2025-era session id now, on the CLIENT span; null: none.</param>
internal sealed class RequestSpans(
    RequestTable awaiting,
    string transport,
    string agent,
    TelemetryArguments arguments,
    string? sessionId = null,
    IRequestAgents? requestAgents = null,
    ITraceSink? traces = null,
    string? serverTransport = null,
    Func<string?>? serverSessionId = null)
{
    private readonly ITraceSink? _traces = traces ?? TelemetryExport.Traces;

    private readonly ToolNames _tools = new();

    /// <summary>What this session's traced requests share, referenced by each (<see cref="RequestTrace.Session"/>).
    /// </summary>
    private readonly TraceSession _session = new(transport, serverTransport ?? transport, sessionId, agent);

    /// <summary>
    /// The request the client's direction started last. The gate decides and forwards the request the pump is
    /// handling, named by the id it was read with: the same string instance as its entry's, so it is found here with
    /// no hash (<see cref="Open"/>). A held call's, or any other, is looked up in the table.
    /// </summary>
    private PendingRequest? _last;

    /// <summary>
    /// The revision the server's answer to a 2025-era <c>initialize</c> negotiated: the <c>mcp.protocol.version</c>
    /// of that session's requests, which carry none of their own (a 2026-07-28 request names its own in
    /// <c>_meta</c>).
    /// </summary>
    private volatile string? _negotiated;

    /// <summary>The session's decision and approval counters, and the channel each call was asked on.</summary>
    private readonly DecisionCounts _decisions = new();

    /// <summary>
    /// True when the exporter counts a traced call's decision from its record (<see cref="DecisionBatch"/>), so the
    /// relay's threads leave it to it: the decision counter's label lookup and interlocked add were ~170
    /// instructions a call on the client's pump (bench/HISTORY.md).
    /// </summary>
    private readonly bool _exporterCounts = traces?.CountsDecisions ?? TelemetryExport.Traces?.CountsDecisions ?? false;

    /// <summary>
    /// True when an exporter or a scrape listens: only then does a session build a <see cref="RequestSpans"/>.
    /// </summary>
    public static bool IsListening =>
        TelemetryExport.Traces is not null || GuardTelemetry.OperationDuration.Enabled
        || GuardTelemetry.Decisions.Enabled;

    public string Agent => agent;

    /// <summary>True while a request awaits the server: only then is a request going there worth reading.</summary>
    public bool AnyAwaited => awaiting.Count > 0;

    /// <summary>
    /// True while a request that left the table waits for the guard's own answer: only then is an answer going to
    /// the client worth reading.
    /// </summary>
    public bool AnyUnanswered => !awaiting.Unanswered.IsEmpty;

    /// <summary>
    /// A client request entered the session's table of requests in flight: its record rides on it. Returns a
    /// tools/call's name and arguments as read here (null when its name is not a string), which the gate takes
    /// rather than read them again.
    /// </summary>
    public ToolCall? Started(PendingRequest pending, JsonElement parameters)
    {
        TraceMembers.Read(parameters, out var name, out var callArguments, out var meta);
        var method = pending.Method;
        var tool = method == RequestMethods.ToolsCall ? _tools.Of(name) : null;
        var startedAt = Stopwatch.GetTimestamp();
        var request = _traces?.Rent(method, tool, startedAt) ?? new RequestTrace(method, tool, startedAt);
        if (_traces is not null)
        {
            Trace(
                request, pending.Id, callArguments, meta.ValueKind == JsonValueKind.Object ? meta : default,
                _traces.Sampler);
            if (request.Traced && method == RequestMethods.PromptsGet)
            {
                // The conventions' target of a prompts/get span: the prompt's name (gen_ai.prompt.name).
                request.Prompt = JsonText.TryGetString(name);
            }
        }

        pending.Trace = request;
        Volatile.Write(ref _last, pending);
        return tool is null ? null : new ToolCall(tool, callArguments);
    }

    /// <summary>
    /// What the spans need of the request's parameters, read now (the parsed message is not kept), if its trace is
    /// sampled: a new trace unless a <c>traceparent</c> names the caller's.
    /// </summary>
    private void Trace(
        RequestTrace request, JsonRpcId id, JsonElement callArguments, JsonElement meta, TraceSampler sampler)
    {
        string? protocolVersion = null;
        if (meta.ValueKind == JsonValueKind.Object)
        {
            if (!TraceSampling.Joined(request, meta, sampler))
            {
                return;
            }

            protocolVersion = TraceSampling.Text(meta, "io.modelcontextprotocol/protocolVersion"u8);
        }
        else if (!TraceSampling.Root(request, sampler))
        {
            return;
        }

        request.Traced = true;
        request.SetId(id.Raw);
        request.Session = _session;
        if (serverSessionId is not null)
        {
            request.ServerSessionId = serverSessionId();
        }

        if (requestAgents?.SenderOf(id) is { } sender)
        {
            // The shared child's request, which the session knows by the guard's own id.
            request.Sender = sender.Agent;
            request.ClientId = sender.ClientId;
        }

        request.ProtocolVersion = protocolVersion ?? _negotiated;
        // The record is only written here, not read back (RequestTrace.Reuse says why).
        request.Arguments = arguments == TelemetryArguments.Full && request.Tool is not null
            && callArguments.ValueKind != JsonValueKind.Undefined ? callArguments.GetRawText() : null;
    }

    /// <summary>The session forwarded the client's request to the server: its CLIENT span starts.</summary>
    public void Forwarded(JsonRpcId id)
    {
        if (_traces is not null && Entry(id) is { } pending)
        {
            Forwarded(pending);
        }
    }

    /// <summary>
    /// The same, with the request's entry in hand. A tools/call's CLIENT span starts at the reading the gate took
    /// for its outcome just before forwarding it (<see cref="ForwardedCall.StartedTimestamp"/>): no clock read of
    /// its own (bench/HISTORY.md); any other request's reads the clock.
    /// </summary>
    public void Forwarded(PendingRequest pending)
    {
        if (_traces is not null && pending.Trace is { Traced: true } request)
        {
            request.ForwardedAt = pending.Call?.StartedTimestamp ?? Stopwatch.GetTimestamp();
        }
    }

    /// <summary>
    /// A person was asked about a call through <paramref name="channel"/> (null: no channel could ask).
    /// </summary>
    public void Asked(string callId, string? channel) => _decisions.Asked(callId, channel);

    /// <summary>
    /// The guard's decision about a tools/call, as the gate records it for the audit (with or without an audit log):
    /// the decision counter, and attributes for its span (a call decided twice, asked then approved, carries its last
    /// decision). Named by the request's id the gate holds, so nothing is parsed or spelled to find the request.
    /// </summary>
    public void Decided(JsonRpcId id, string callId, string? tool, CallVerdict verdict, string? ruleId, string? risk)
    {
        var request = _traces is not null && Open(id) is { Traced: true } open ? open : null;
        if (request is { DecisionUncounted: true })
        {
            // Decided again (asked, then approved): the first decision is counted now, before it is overwritten.
            DecisionBatch.CountNow(GuardTelemetry.Decisions, request);
        }

        if (request is not null && _exporterCounts && Answers(verdict) && ReferenceEquals(tool, request.Tool))
        {
            // Counted on the export thread from the record, once the call is answered (DecisionBatch).
            request.Decision = DecisionWords.Audit(verdict);
            request.UnlistedTool = verdict is CallVerdict.UnknownTool or CallVerdict.Hidden;
            request.Rule = ruleId;
            request.Risk = risk;
            request.DecisionUncounted = true;
            return;
        }

        var decision = _decisions.Count(callId, tool, verdict, ruleId, out var channel);
        if (request is not null)
        {
            request.Decision = decision;
            request.UnlistedTool = verdict is CallVerdict.UnknownTool or CallVerdict.Hidden;
            request.Rule = ruleId;
            request.Risk = risk;
            request.Channel = channel ?? request.Channel;
        }
    }

    /// <summary>
    /// A decision after which the call is forwarded or answered at once, so its record soon reaches the exporter:
    /// one that holds the call for a person (<c>require_approval</c>) is counted as it is made, to be seen while the
    /// call waits, and a person's answer is counted with its approval (<see cref="DecisionCounts"/>).
    /// </summary>
    private static bool Answers(CallVerdict verdict) => verdict is CallVerdict.Allow or CallVerdict.Deny
        or CallVerdict.UnknownTool or CallVerdict.Hidden or CallVerdict.Invalid;

    /// <summary>
    /// The session ended: a decision left for the exporter on a record that will not reach it (a call still in flight
    /// whose client was gone, so the guard could not answer it) is counted now.
    /// </summary>
    public void Ended()
    {
        foreach (var request in awaiting.Unanswered.TakeAll())
        {
            DecisionBatch.CountNow(GuardTelemetry.Decisions, request);
        }
    }

    /// <summary>
    /// The record of request <paramref name="id"/> while its spans are open: on its entry in the table, or, once a
    /// held call was taken out of it, waiting for the guard's answer.
    /// </summary>
    private RequestTrace? Open(JsonRpcId id) =>
        Entry(id)?.Trace ?? (awaiting.Unanswered.TryGet(id, out var request) ? request : null);

    /// <summary>
    /// Request <paramref name="id"/>'s entry while it awaits the server: the last started while its spans are open,
    /// else the table's.
    /// </summary>
    private PendingRequest? Entry(JsonRpcId id) =>
        Volatile.Read(ref _last) is { Trace: not null } last && ReferenceEquals(last.Id.Key, id.Key) ? last
        : awaiting.TryGet(id, out var pending) ? pending : null;

    /// <summary>
    /// A forwarded call's outcome, noted before its answer goes to the client: what the result policy found is
    /// <c>mcpguard.redactions</c> (the number of matches, never the text; docs/results.md).
    /// </summary>
    public void Concluded(PendingRequest answered, FilteredResult filtered)
    {
        if (_traces is not null && filtered is not FilteredResult.Untouched
            && answered.Trace is { Traced: true } request)
        {
            request.Redactions = filtered.Counts.Values.Sum();
        }
    }

    /// <summary>
    /// The server answered the client's <c>initialize</c> (<paramref name="initialize"/>, before its spans end) with
    /// <paramref name="answer"/>: its <c>result.protocolVersion</c> is the revision of that request's spans and of
    /// the session's later ones. Read once a session; an answer without a usable one changes nothing. A remote
    /// server's session id (<c>--url</c>) is known from now too: the answer's headers carried it, and the span of
    /// the request that opened the session names it as the later ones do.
    /// </summary>
    public void Negotiated(PendingRequest initialize, ReadOnlySequence<byte> answer)
    {
        if (initialize.Trace is { Traced: true, ServerSessionId: null } opening)
        {
            opening.ServerSessionId = serverSessionId?.Invoke();
        }

        if (ResultProtocolVersion.Read(answer) is not { } revision)
        {
            return;
        }

        _negotiated = revision;
        if (initialize.Trace is { Traced: true } request)
        {
            request.ProtocolVersion = revision;
        }
    }

    /// <summary>
    /// The client got the answer to <paramref name="answered"/>, taken out of the table with <see
    /// cref="RequestTable.TryTake"/>: its spans are made and end, at <paramref name="answeredAt"/> when the session
    /// already read the clock for the answer (0: read now).
    /// </summary>
    public void Answered(PendingRequest answered, bool isError, long? errorCode, long answeredAt = 0)
    {
        if (answered.Trace is { } request)
        {
            answered.Trace = null;
            Finish(request, ErrorType(isError, errorCode), answeredAt);
        }
    }

    /// <summary>
    /// The guard answered request <paramref name="id"/> after its entry left the table: its spans end now.
    /// </summary>
    public void Answered(JsonRpcId id, bool isError, long? errorCode)
    {
        if (awaiting.Unanswered.TryRemove(id, out var request))
        {
            Finish(request, ErrorType(isError, errorCode));
        }
    }

    /// <summary>
    /// The guard answers <paramref name="answered"/> in place of the server's answer, which ended as <paramref
    /// name="isError"/> and <paramref name="errorCode"/> say (a result the result policy blocked): the CLIENT span,
    /// the exchange with the server, keeps that outcome; the SERVER span ends with what the client gets.
    /// </summary>
    public static void Replaced(PendingRequest answered, bool isError, long? errorCode)
    {
        if (answered.Trace is { Traced: true } request)
        {
            request.ServerAnswerReplaced = true;
            request.ServerErrorType = ErrorType(isError, errorCode);
        }
    }

    /// <summary><c>error.type</c>: a JSON-RPC error's code, bounded (<see cref="ErrorTypeLabel"/>), or
    /// <c>tool_error</c> for a result with <c>isError</c>.</summary>
    private static string? ErrorType(bool isError, long? errorCode) =>
        errorCode is { } code ? ErrorTypeLabel.Of(code) : isError ? "tool_error" : null;

    /// <summary>
    /// The client cancelled the request (withdrawn from the table first): nothing will answer it, so its spans end
    /// now with <c>error.type</c> <c>cancelled</c>.
    /// </summary>
    public void Cancelled(JsonRpcId id)
    {
        if (awaiting.Unanswered.TryRemove(id, out var request))
        {
            Finish(request, "cancelled");
        }
    }

    /// <summary>
    /// A traced request goes whole to the exporter, which counts its duration on its own thread (<see
    /// cref="ITraceSink.Add"/>) and may reuse the record any time after; any other's duration is counted here.
    /// </summary>
    private void Finish(RequestTrace request, string? errorType, long endedAt = 0)
    {
        var now = endedAt != 0 ? endedAt : Stopwatch.GetTimestamp();
        if (request.Traced)
        {
            request.EndedAt = now;
            request.ErrorType = errorType;
            _traces!.Add(request);
            return;
        }

        GuardTelemetry.OperationDuration.Record(
            Stopwatch.GetElapsedTime(request.StartedAt, now).TotalSeconds,
            new LabelValues(MethodLabel.Of(request.Method), errorType, null));
    }
}
