using McpGuard.Policy.Values;

namespace McpGuard.Policy.Limits;

/// <summary>
/// Calls counted close together (within 1/1024 of the window of the bucket's first call, see
/// <see cref="SlidingWindow"/>), stamped with the time of the first (<see cref="OpenedTicks"/>, which also names the
/// bucket for a give-back) and of the latest (<see cref="LastTicks"/>, when the bucket leaves the window). UTC ticks.
/// </summary>
internal readonly record struct CounterBucket(long OpenedTicks, long LastTicks, StrictDecimal Amount);
