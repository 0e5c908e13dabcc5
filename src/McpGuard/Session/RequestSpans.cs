using System.Collections.Concurrent;
using System.Diagnostics;
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
/// </summary>
/// <param name="requestAgents">The shared child's: each request's agent, for its span.</param>
internal sealed class RequestSpans(
    string transport, string agent, TelemetryArguments arguments, string? sessionId = null, IRequestAgents? requestAgents = null)
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

    /// <summary>A client request entered the session's table of requests in flight.</summary>
    public void Started(JsonRpcId id, string method, JsonElement parameters)
    {
        var tool = method == RequestMethods.ToolsCall && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("name"u8, out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
        var parent = TraceParent(parameters, out var traceParent, out var traceState)
            && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
        var span = GuardTelemetry.Source.StartActivity(tool is null ? method : $"{method} {tool}", ActivityKind.Server, parent);
        if (span is { IsAllDataRequested: true })
        {
            Describe(span, id, method, tool, parameters);
            span.SetTag(TelemetryNames.Agent, requestAgents?.AgentOf(id) ?? agent);
            if (tool is not null && arguments == TelemetryArguments.Full && parameters.TryGetProperty("arguments"u8, out var args))
            {
                span.SetTag(TelemetryNames.ToolArguments, args.GetRawText());
            }
        }

        _open[id.Key] = new OpenRequest(method, tool, Stopwatch.GetTimestamp(), span, ProtocolVersion(parameters));
    }

    /// <summary>The session forwarded the client's request to the server: its CLIENT span starts.</summary>
    public void Forwarded(JsonRpcId id)
    {
        if (_open.TryGetValue(id.Key, out var request) && request.Server is { } server)
        {
            var span = GuardTelemetry.Source.StartActivity(server.DisplayName, ActivityKind.Client, server.Context);
            if (span is { IsAllDataRequested: true })
            {
                Describe(span, id, request.Method, request.Tool, default);
            }

            request.Client = span;
        }
    }

    /// <summary>
    /// A person was asked about a call through <paramref name="channel"/> (null: no channel could ask).
    /// </summary>
    public void Asked(string callId, string? channel) => _askedOn[callId] = channel;

    /// <summary>
    /// The guard's decision about a tools/call, as audited: attributes on its span, the decision counter.
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

        if (JsonRpcId.FromElement(record.RequestId) is { } id && _open.TryGetValue(id.Key, out var request) && request.Server is { } span)
        {
            span.SetTag(TelemetryNames.Decision, decision);
            span.SetTag(TelemetryNames.Rule, record.RuleId);
            span.SetTag(TelemetryNames.Risk, record.Risk);
            if (channel is not null)
            {
                span.SetTag(TelemetryNames.ApprovalChannel, channel);
            }
        }
    }

    /// <summary>
    /// A forwarded call's outcome, recorded before its answer goes to the client: what the result policy found is
    /// <c>mcpguard.redactions</c> (the number of matches, never the text; docs/results.md).
    /// </summary>
    public void Concluded(AuditOutcomeRecord record)
    {
        if (record.Results is { } results && record.RequestId is { } requestId && JsonRpcId.FromElement(requestId) is { } id
            && _open.TryGetValue(id.Key, out var request) && request.Server is { } span)
        {
            span.SetTag(TelemetryNames.Redactions, results.Matches.Values.Sum());
        }
    }

    /// <summary>The client got the request's answer (from the server or the guard): its spans end.</summary>
    public void Answered(JsonRpcId id, bool isError, long? errorCode)
    {
        if (!_open.TryRemove(id.Key, out var request))
        {
            return;
        }

        var errorType = errorCode is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : isError ? "tool_error" : null;
        foreach (var span in (ReadOnlySpan<Activity?>)[request.Client, request.Server])
        {
            if (span is null)
            {
                continue;
            }

            if (errorType is not null)
            {
                span.SetTag(TelemetryNames.ErrorType, errorType);
                span.SetStatus(ActivityStatusCode.Error);
            }

            span.Dispose();
        }

        GuardTelemetry.OperationDuration.Record(
            Stopwatch.GetElapsedTime(request.StartedAt).TotalSeconds,
            new(TelemetryNames.MethodName, request.Method),
            new(TelemetryNames.ToolName, request.Tool is null ? null : "(tool)"),
            new(TelemetryNames.ErrorType, errorType));
    }

    private void Describe(Activity span, JsonRpcId id, string method, string? tool, JsonElement parameters)
    {
        span.SetTag(TelemetryNames.MethodName, method);
        span.SetTag(TelemetryNames.RequestId, id.ToString());
        span.SetTag(TelemetryNames.NetworkTransport, transport);
        if (sessionId is not null)
        {
            span.SetTag(TelemetryNames.SessionId, sessionId);
        }

        if (ProtocolVersion(parameters) is { } version)
        {
            span.SetTag(TelemetryNames.ProtocolVersion, version);
        }

        if (tool is not null)
        {
            span.SetTag(TelemetryNames.ToolName, tool);
            span.SetTag(TelemetryNames.OperationName, "execute_tool");
        }
    }

    /// <summary>
    /// A W3C <c>traceparent</c> (and <c>tracestate</c>) in the request's <c>_meta</c>: the caller's trace.
    /// </summary>
    private static bool TraceParent(JsonElement parameters, out string? traceParent, out string? traceState)
    {
        traceParent = traceState = null;
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty("_meta"u8, out var meta)
            || meta.ValueKind != JsonValueKind.Object || !meta.TryGetProperty("traceparent"u8, out var parent)
            || parent.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        traceParent = parent.GetString();
        traceState = meta.TryGetProperty("tracestate"u8, out var state) && state.ValueKind == JsonValueKind.String ? state.GetString() : null;
        return true;
    }

    private static string? ProtocolVersion(JsonElement parameters) =>
        parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("_meta"u8, out var meta)
        && meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("io.modelcontextprotocol/protocolVersion"u8, out var version)
        && version.ValueKind == JsonValueKind.String ? version.GetString() : null;

    private sealed class OpenRequest(string method, string? tool, long startedAt, Activity? server, string? protocolVersion)
    {
        public string Method => method;

        public string? Tool => tool;

        public long StartedAt => startedAt;

        public Activity? Server => server;

        public string? ProtocolVersion => protocolVersion;

        public Activity? Client { get; set; }
    }
}
