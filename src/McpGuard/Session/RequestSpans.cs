using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Telemetry;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// The spans and the duration metric of one session's client requests (docs/telemetry.md): a SERVER span from a
/// request's arrival to its answer, a CLIENT span from its forwarding to the server's answer, and the decision's
/// attributes on the SERVER span. Exists only while telemetry listens (<see cref="IsListening"/>), so a session
/// without telemetry pays nothing; the forwarded bytes are never touched (a <c>traceparent</c> is only read).
/// Per call it stays cheap (bench/README.md): while a request is in flight only its times and facts are kept, and
/// both spans are made when it is answered, back-dated to when it arrived and was forwarded, each with all its
/// attributes at once (no attribute is set on a live span, under its lock). Nothing is lost by waiting: the guard
/// never sends its own trace context on, and a span is exported only once it has ended anyway.
/// </summary>
/// <param name="requestAgents">The shared child's: each request's agent, for its span.</param>
internal sealed class RequestSpans(
    string transport,
    string agent,
    TelemetryArguments arguments,
    string? sessionId = null,
    IRequestAgents? requestAgents = null)
{
    private readonly ConcurrentDictionary<string, OpenRequest> _open = new(StringComparer.Ordinal);

    /// <summary>
    /// The channel that answered each call asked about, by audit call id, until its decision is recorded.
    /// </summary>
    private readonly ConcurrentDictionary<string, string?> _askedOn = new(StringComparer.Ordinal);

    /// <summary>
    /// True when an exporter or a scrape listens: only then does a session build a <see cref="RequestSpans"/>.
    /// </summary>
    public static bool IsListening =>
        GuardTelemetry.Source.HasListeners() || GuardTelemetry.OperationDuration.Enabled || GuardTelemetry.Decisions.Enabled;

    public string Agent => agent;

    /// <summary>True while a client request waits for its answer: only then is a message worth reading.</summary>
    public bool AnyOpen => !_open.IsEmpty;

    /// <summary>A client request entered the session's table of requests in flight.</summary>
    public void Started(JsonRpcId id, string method, JsonElement parameters)
    {
        var tool = method == RequestMethods.ToolsCall && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("name"u8, out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString() : null;
        var request = new OpenRequest(method, tool, Stopwatch.GetTimestamp());
        if (GuardTelemetry.Source.HasListeners())
        {
            // What the spans need of the request's parameters is read now: the parsed message is not kept.
            var meta = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("_meta"u8, out var m)
                && m.ValueKind == JsonValueKind.Object ? m : default;
            request.Traced = true;
            request.IdText = id.ToString();
            request.Caller = requestAgents?.AgentOf(id) ?? agent;
            request.ProtocolVersion = Text(meta, "io.modelcontextprotocol/protocolVersion"u8);
            request.Parent = Text(meta, "traceparent"u8) is { } traceParent
                && ActivityContext.TryParse(traceParent, Text(meta, "tracestate"u8), isRemote: true, out var context)
                ? context : default;
            request.Arguments = tool is not null && arguments == TelemetryArguments.Full
                && parameters.TryGetProperty("arguments"u8, out var a) ? a.GetRawText() : null;
        }

        _open[id.Key] = request;
    }

    /// <summary>The session forwarded the client's request to the server: its CLIENT span starts.</summary>
    public void Forwarded(JsonRpcId id)
    {
        if (_open.TryGetValue(id.Key, out var request) && request.Traced)
        {
            request.ForwardedAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>
    /// A person was asked about a call through <paramref name="channel"/> (null: no channel could ask).
    /// </summary>
    public void Asked(string callId, string? channel) => _askedOn[callId] = channel;

    /// <summary>
    /// The guard's decision about a tools/call, as audited: the decision counter, and attributes for its span (a
    /// call decided twice, asked then approved, carries its last decision).
    /// </summary>
    public void Decided(AuditDecisionRecord record)
    {
        var decision = DecisionWords.Audit(record.Decision);
        var tool = record.Decision is CallVerdict.UnknownTool or CallVerdict.Hidden ? "(unknown)" : record.Tool ?? "(invalid)";
        GuardTelemetry.Decisions.Add(1, new(TelemetryNames.DecisionTag, decision), new(TelemetryNames.RuleTag, record.RuleId ?? ""),
            new(TelemetryNames.ToolTag, tool));
        string? channel = null;
        if (record.Decision is CallVerdict.Approved or CallVerdict.Refused or CallVerdict.Cancelled)
        {
            // A call approved in band (2026-07-28 input_required) never went through the approver: elicitation.
            channel = _askedOn.TryRemove(record.CallId, out var askedOn) ? askedOn ?? "none" : "elicitation";
            GuardTelemetry.Approvals.Add(1, new(TelemetryNames.OutcomeTag, decision), new(TelemetryNames.ChannelTag, channel));
        }

        if (Open(record.RequestId) is { Traced: true } request)
        {
            request.Decision = decision;
            request.Rule = record.RuleId;
            request.Risk = record.Risk;
            request.Channel = channel ?? request.Channel;
        }
    }

    /// <summary>
    /// A forwarded call's outcome, recorded before its answer goes to the client: what the result policy found is
    /// <c>mcpguard.redactions</c> (the number of matches, never the text; docs/results.md).
    /// </summary>
    public void Concluded(AuditOutcomeRecord record)
    {
        if (record.Results is { } results && Open(record.RequestId) is { Traced: true } request)
        {
            request.Redactions = results.Matches.Values.Sum();
        }
    }

    /// <summary>
    /// The client got the request's answer (from the server or the guard): its spans are made and end.
    /// </summary>
    public void Answered(JsonRpcId id, bool isError, long? errorCode)
    {
        if (_open.TryRemove(id.Key, out var request))
        {
            Finish(request, errorCode is { } code ? code.ToString(CultureInfo.InvariantCulture)
                : isError ? "tool_error" : null);
        }
    }

    /// <summary>
    /// The client cancelled the request: nothing will answer it, so its spans end now with <c>error.type</c>
    /// <c>cancelled</c>, and it leaves the table (which would otherwise keep it for the rest of the session).
    /// </summary>
    public void Cancelled(JsonRpcId id)
    {
        if (_open.TryRemove(id.Key, out var request))
        {
            Finish(request, "cancelled");
        }
    }

    private void Finish(OpenRequest request, string? errorType)
    {
        var now = Stopwatch.GetTimestamp();
        if (request.Traced)
        {
            Record(request, now, errorType);
        }

        GuardTelemetry.OperationDuration.Record(
            Stopwatch.GetElapsedTime(request.StartedAt, now).TotalSeconds,
            new(TelemetryNames.MethodName, request.Method),
            new(TelemetryNames.ToolName, request.Tool is null ? null : "(tool)"),
            new(TelemetryNames.ErrorType, errorType));
    }

    /// <summary>
    /// The request's spans, back-dated: the SERVER span from its arrival, the CLIENT span (if it was forwarded) from
    /// its forwarding, both ending now. Starting a span makes it the current activity and ending it makes the one
    /// before current again; both happen here, so the thread's current activity is as it was.
    /// </summary>
    private void Record(OpenRequest request, long now, string? errorType)
    {
        var end = TimeProvider.System.GetUtcNow();
        var name = SpanNames.Of(request.Method, request.Tool);
        var server = GuardTelemetry.Source.StartActivity(name, ActivityKind.Server, request.Parent,
            request.ServerTags(transport, sessionId, errorType),
            startTime: end - Stopwatch.GetElapsedTime(request.StartedAt, now));
        if (server is null)
        {
            return;
        }

        if (request.ForwardedAt is { } forwardedAt)
        {
            var client = GuardTelemetry.Source.StartActivity(name, ActivityKind.Client, server.Context,
                request.ClientTags(transport, sessionId, errorType),
                startTime: end - Stopwatch.GetElapsedTime(forwardedAt, now));
            if (client is not null)
            {
                End(client, end, errorType);
            }
        }

        End(server, end, errorType);
    }

    private static void End(Activity span, DateTimeOffset end, string? errorType)
    {
        if (errorType is not null)
        {
            span.SetStatus(ActivityStatusCode.Error);
        }

        span.SetEndTime(end.UtcDateTime);
        span.Dispose();
    }

    private OpenRequest? Open(JsonElement? requestId) =>
        requestId is { } element && JsonRpcId.FromElement(element) is { } id
        && _open.TryGetValue(id.Key, out var request) ? request : null;

    private static string? Text(JsonElement meta, ReadOnlySpan<byte> name) =>
        meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
