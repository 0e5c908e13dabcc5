using System.Diagnostics;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>
/// One client request in flight, as <see cref="RequestSpans"/> sees it: when it arrived and was forwarded, and what
/// its spans will say (the MCP attributes read at arrival, the guard's decision as it is audited), until it is
/// answered and its spans are made.
/// </summary>
internal sealed class OpenRequest(string method, string? tool, long startedAt)
{
    public string Method => method;

    public string? Tool => tool;

    public long StartedAt => startedAt;

    /// <summary>True when spans are recorded for it (an exporter listened when it arrived).</summary>
    public bool Traced { get; set; }

    public long? ForwardedAt { get; set; }

    /// <summary>The request id as JSON text (<c>"c1"</c>, <c>42</c>), the same string on both spans.</summary>
    public string? IdText { get; set; }

    public string? Caller { get; set; }

    public string? ProtocolVersion { get; set; }

    /// <summary>The caller's trace (a <c>traceparent</c> in <c>_meta</c>), or none.</summary>
    public ActivityContext Parent { get; set; }

    /// <summary>The arguments' JSON, only with <c>arguments: full</c>.</summary>
    public string? Arguments { get; set; }

    public string? Decision { get; set; }

    public string? Rule { get; set; }

    public string? Risk { get; set; }

    public string? Channel { get; set; }

    public int? Redactions { get; set; }

    /// <summary>The SERVER span's attributes: the MCP ones, who called, and the guard's decision.</summary>
    public KeyValuePair<string, object?>[] ServerTags(string transport, string? sessionId, string? errorType)
    {
        var tags = new KeyValuePair<string, object?>[CommonCount(sessionId, errorType) + N(Caller) + N(Arguments)
            + N(Decision) + N(Rule) + N(Risk) + N(Channel) + N(Redactions)];
        var i = AddCommon(tags, transport, sessionId, errorType);
        Add(tags, ref i, TelemetryNames.Agent, Caller);
        Add(tags, ref i, TelemetryNames.ToolArguments, Arguments);
        Add(tags, ref i, TelemetryNames.Decision, Decision);
        Add(tags, ref i, TelemetryNames.Rule, Rule);
        Add(tags, ref i, TelemetryNames.Risk, Risk);
        Add(tags, ref i, TelemetryNames.ApprovalChannel, Channel);
        Add(tags, ref i, TelemetryNames.Redactions, Redactions);
        return tags;
    }

    /// <summary>The CLIENT span's attributes: the MCP ones.</summary>
    public KeyValuePair<string, object?>[] ClientTags(string transport, string? sessionId, string? errorType)
    {
        var tags = new KeyValuePair<string, object?>[CommonCount(sessionId, errorType)];
        AddCommon(tags, transport, sessionId, errorType);
        return tags;
    }

    private int CommonCount(string? sessionId, string? errorType) =>
        3 + N(sessionId) + N(ProtocolVersion) + (Tool is null ? 0 : 2) + N(errorType);

    private int AddCommon(KeyValuePair<string, object?>[] tags, string transport, string? sessionId, string? errorType)
    {
        var i = 0;
        Add(tags, ref i, TelemetryNames.MethodName, Method);
        Add(tags, ref i, TelemetryNames.RequestId, IdText);
        Add(tags, ref i, TelemetryNames.NetworkTransport, transport);
        Add(tags, ref i, TelemetryNames.SessionId, sessionId);
        Add(tags, ref i, TelemetryNames.ProtocolVersion, ProtocolVersion);
        if (Tool is not null)
        {
            Add(tags, ref i, TelemetryNames.ToolName, Tool);
            Add(tags, ref i, TelemetryNames.OperationName, "execute_tool");
        }

        Add(tags, ref i, TelemetryNames.ErrorType, errorType);
        return i;
    }

    private static int N(object? value) => value is null ? 0 : 1;

    private static void Add(KeyValuePair<string, object?>[] tags, ref int i, string name, object? value)
    {
        if (value is not null)
        {
            tags[i++] = new(name, value);
        }
    }
}
