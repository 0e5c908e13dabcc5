namespace McpGuard.Desk;

/// <summary>
/// One limit on the desk, as the <c>mcpguard.limit.used</c>/<c>.max</c> gauges show it (Telemetry/LimitUse.cs): its
/// most-used counter against its max, and when that counter next frees some of its use (null: nothing counted).
/// </summary>
internal sealed record DeskLimitUse(
    string Entry, string Kind, string Window, double Used, double Max, DateTimeOffset? FreesUpAt);
