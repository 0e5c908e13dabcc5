namespace McpGuard.Policy.Limits;

/// <summary>
/// One limit of the policy as <c>mcpguard limits</c> and the limit gauges name it: its entry as written
/// (<c>place_order</c>, <c>get_*</c>; <c>limits</c> for the global rate limit), its kind and its window. The
/// refusal metric carries the same words, so a refusal and the gauge of the limit that made it are one series
/// apart by name only (docs/telemetry.md).
/// </summary>
internal sealed record LimitName(string Entry, CounterKind Kind, TimeSpan Window);
