namespace McpGuard.Telemetry;

/// <summary>
/// One limit of the policy as the gauges show it: the most-used of its counters (one per <c>per</c> value) against
/// its max. Per values are an agent's data and unbounded, so they are never a metric label.
/// <paramref name="FreesUpAt"/> is when that counter next gives some use back: the desk page shows it beside the
/// bar; the gauges leave it out.
/// </summary>
internal sealed record LimitUse(
    string Entry, string Kind, string Window, double Used, double Max, DateTimeOffset? FreesUpAt);
