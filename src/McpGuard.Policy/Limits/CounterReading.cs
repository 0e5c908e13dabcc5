using McpGuard.Policy.Values;

namespace McpGuard.Policy.Limits;

/// <summary>
/// A counter as <c>mcpguard limits</c> shows it: what is used in the window now and when the oldest part leaves it.
/// </summary>
internal sealed record CounterReading(CounterId Counter, StrictDecimal Used, DateTimeOffset? FreesUpAt);
