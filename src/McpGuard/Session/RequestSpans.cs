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
/// Per call it stays cheap (bench/README.md): a span's attributes are given when it starts, the decision's are kept
/// on the request and added when it ends (a call decided twice, asked then approved, gets its last decision), and
/// names and the request id's text are made once.
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
            var meta = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("_meta"u8, out var m)
                && m.ValueKind == JsonValueKind.Object ? m : default;
            request.IdText = id.ToString();
            request.ProtocolVersion = Text(meta, "io.modelcontextprotocol/protocolVersion"u8);
            var parent = Text(meta, "traceparent"u8) is { } traceParent
                && ActivityContext.TryParse(traceParent, Text(meta, "tracestate"u8), isRemote: true, out var context)
                ? context : default;
            var args = tool is not null && arguments == TelemetryArguments.Full
                && parameters.TryGetProperty("arguments"u8, out var a) ? a.GetRawText() : null;
            request.Name = SpanNames.Of(method, tool);
            request.Server = Start(request.Name, ActivityKind.Server, parent,
                Tags(request, requestAgents?.AgentOf(id) ?? agent, args));
        }

        _open[id.Key] = request;
    }

    /// <summary>The session forwarded the client's request to the server: its CLIENT span starts.</summary>
    public void Forwarded(JsonRpcId id)
    {
        if (_open.TryGetValue(id.Key, out var request) && request.Server is { } server)
        {
            request.Client = Start(request.Name!, ActivityKind.Client, server.Context, Tags(request, null, null));
        }
    }

    /// <summary>
    /// A person was asked about a call through <paramref name="channel"/> (null: no channel could ask).
    /// </summary>
    public void Asked(string callId, string? channel) => _askedOn[callId] = channel;

    /// <summary>
    /// The guard's decision about a tools/call, as audited: the decision counter, and attributes for its span.
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

        if (Open(record.RequestId) is { Server: not null } request)
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
        if (record.Results is { } results && Open(record.RequestId) is { Server: not null } request)
        {
            request.Redactions = results.Matches.Values.Sum();
        }
    }

    /// <summary>The client got the request's answer (from the server or the guard): its spans end.</summary>
    public void Answered(JsonRpcId id, bool isError, long? errorCode)
    {
        if (!_open.TryRemove(id.Key, out var request))
        {
            return;
        }

        var errorType = errorCode is { } code ? code.ToString(CultureInfo.InvariantCulture)
            : isError ? "tool_error" : null;
        if (request.Client is { } client)
        {
            End(client, errorType);
        }

        if (request.Server is { } server)
        {
            request.AddDecisionTags(server);
            End(server, errorType);
        }

        GuardTelemetry.OperationDuration.Record(
            Stopwatch.GetElapsedTime(request.StartedAt).TotalSeconds,
            new(TelemetryNames.MethodName, request.Method),
            new(TelemetryNames.ToolName, request.Tool is null ? null : "(tool)"),
            new(TelemetryNames.ErrorType, errorType));
    }

    /// <summary>
    /// Starts a span with its attributes. <see cref="Activity.Start"/> makes it the current activity and its end
    /// makes the one before it current again, on whichever thread ends it; these spans end on another pump, so the
    /// current activity is put back at once and neither pump keeps a span alive or parents a later one under it.
    /// </summary>
    private static Activity? Start(
        string name, ActivityKind kind, ActivityContext parent, KeyValuePair<string, object?>[] tags)
    {
        var current = Activity.Current;
        var span = GuardTelemetry.Source.StartActivity(name, kind, parent, tags);
        if (span is not null)
        {
            Activity.Current = current;
        }

        return span;
    }

    private static void End(Activity span, string? errorType)
    {
        if (errorType is not null)
        {
            span.AddTag(TelemetryNames.ErrorType, errorType);
            span.SetStatus(ActivityStatusCode.Error);
        }

        span.Dispose();
    }

    /// <summary>
    /// The MCP attributes both spans of a request carry; the SERVER span's also say who called (and, with
    /// <c>arguments: full</c>, with what).
    /// </summary>
    private KeyValuePair<string, object?>[] Tags(OpenRequest request, string? caller, string? args)
    {
        var tags = new KeyValuePair<string, object?>[3 + (sessionId is null ? 0 : 1)
            + (request.ProtocolVersion is null ? 0 : 1) + (request.Tool is null ? 0 : 2)
            + (caller is null ? 0 : 1) + (args is null ? 0 : 1)];
        var i = 0;
        tags[i++] = new(TelemetryNames.MethodName, request.Method);
        tags[i++] = new(TelemetryNames.RequestId, request.IdText);
        tags[i++] = new(TelemetryNames.NetworkTransport, transport);
        if (sessionId is not null)
        {
            tags[i++] = new(TelemetryNames.SessionId, sessionId);
        }

        if (request.ProtocolVersion is { } version)
        {
            tags[i++] = new(TelemetryNames.ProtocolVersion, version);
        }

        if (request.Tool is { } tool)
        {
            tags[i++] = new(TelemetryNames.ToolName, tool);
            tags[i++] = new(TelemetryNames.OperationName, "execute_tool");
        }

        if (caller is not null)
        {
            tags[i++] = new(TelemetryNames.Agent, caller);
        }

        if (args is not null)
        {
            tags[i] = new(TelemetryNames.ToolArguments, args);
        }

        return tags;
    }

    private OpenRequest? Open(JsonElement? requestId) =>
        requestId is { } element && JsonRpcId.FromElement(element) is { } id
        && _open.TryGetValue(id.Key, out var request) ? request : null;

    private static string? Text(JsonElement meta, ReadOnlySpan<byte> name) =>
        meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
