using McpGuard.Policy.Values;

namespace McpGuard.Policy.Limits;

/// <summary>What one counter took for one call, and in which bucket: enough to give it back exactly.</summary>
internal readonly record struct CountedAmount(CounterId Counter, long BucketOpenedTicks, StrictDecimal Amount);
