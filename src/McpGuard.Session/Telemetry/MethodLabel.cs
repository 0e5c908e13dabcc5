using System.Collections.Frozen;

namespace McpGuard.Telemetry;

/// <summary>
/// The <c>mcp.method.name</c> label of <c>mcp.server.operation.duration</c>: a method MCP defines (both eras), any
/// other <see cref="Other"/>, as the OpenTelemetry conventions bound a method the instrumentation does not know. The
/// client picks the method; as a label of its own, one agent sending made-up methods filled the guard's series (all
/// instruments together, <see cref="MetricAggregation.MaxSeries"/>), and decisions and refusals counted after that
/// were dropped. Spans keep the method as it came: a span is one request, not a series.
/// </summary>
internal static class MethodLabel
{
    public const string Other = "_OTHER";

    private static readonly FrozenSet<string> s_known = new[]
    {
        "initialize", "ping", "server/discover", "subscriptions/listen",
        "tools/list", "tools/call",
        "resources/list", "resources/templates/list", "resources/read", "resources/subscribe", "resources/unsubscribe",
        "prompts/list", "prompts/get", "completion/complete", "logging/setLevel",
        "tasks/get", "tasks/result", "tasks/list", "tasks/cancel", "tasks/update",
        "sampling/createMessage", "elicitation/create", "roots/list",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The method itself when MCP defines it (the set's own instance), else <see cref="Other"/>.</summary>
    public static string Of(string method) => s_known.TryGetValue(method, out var known) ? known : Other;
}
