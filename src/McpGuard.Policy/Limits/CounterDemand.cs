using McpGuard.Policy.Values;

namespace McpGuard.Policy.Limits;

/// <summary>
/// One counter a decision needs: the call fits when the counter's sum over its window, plus
/// <see cref="Amount"/>, stays within <see cref="Max"/>. A rate limit's amount is 1 and its max the call count.
/// </summary>
internal sealed record CounterDemand(CounterId Counter, StrictDecimal Amount, StrictDecimal Max);
