using System.Diagnostics.Metrics;

namespace McpGuard.Telemetry;

/// <summary>
/// The guard's one meter and its instruments (docs/telemetry.md). Creating them costs nothing: with no listener
/// (telemetry off) instruments drop their measurements after one enabled check, so the relay calls them
/// unconditionally. Spans do not go through an <c>ActivitySource</c>: <see cref="TraceExporter"/> says why.
/// </summary>
internal static class GuardTelemetry
{
    public const string Name = "McpGuard";

    /// <summary>The guard's version: the meter's, the spans' scope's and <c>service.version</c>.</summary>
    public static readonly string? Version = typeof(GuardTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly Meter Meter = new(Name, Version);

    /// <summary>The MCP semantic conventions' server-side duration of one client request, in seconds.</summary>
    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        TelemetryNames.OperationDuration, "s", "Duration of one MCP request from the client, as the guard saw it.");

    public static readonly Counter<long> Decisions = Meter.CreateCounter<long>(
        TelemetryNames.Decisions, "{decision}", "tools/call decisions, by decision, rule and tool.");

    public static readonly Counter<long> Approvals = Meter.CreateCounter<long>(
        TelemetryNames.Approvals, "{approval}", "Human approvals, by outcome and channel.");

    public static readonly Counter<long> LimitRefusals = Meter.CreateCounter<long>(
        TelemetryNames.LimitRefusals, "{refusal}", "Calls refused because a rate limit or budget was reached.");

    public static readonly Histogram<double> StoreDuration = Meter.CreateHistogram<double>(
        TelemetryNames.StoreDuration, "s", "Time the counter store took to count one decision.");

    /// <summary>
    /// The limits step refused a call: <paramref name="rule"/> is the rule that refused it (<c>tools.place_order</c>,
    /// <c>limits</c>, or <c>state</c> for an unreachable store), <c>kind</c> which part of the policy.
    /// </summary>
    public static void LimitRefused(string rule, McpGuard.Policy.Limits.LimitScope scope) =>
        LimitRefusals.Add(1, new(TelemetryNames.EntryTag, rule), new(TelemetryNames.KindTag, scope switch
        {
            McpGuard.Policy.Limits.LimitScope.Entry => "entry",
            McpGuard.Policy.Limits.LimitScope.Global => "global",
            _ => "store",
        }));
}
