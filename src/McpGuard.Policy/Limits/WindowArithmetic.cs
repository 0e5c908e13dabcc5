using McpGuard.Policy.Values;

namespace McpGuard.Policy.Limits;

/// <summary>
/// The sliding-window rules every store applies to its buckets, in one place so memory, SQLite (and the Redis
/// script, which follows them line by line) agree: when a call joins the newest bucket, when a bucket has left
/// the window, and how long a refused demand must wait.
/// </summary>
internal static class WindowArithmetic
{
    /// <summary>
    /// Buckets per window: the rounding of a wait (at most 1/1024 of the window) and the bound on stored buckets.
    /// </summary>
    public const int BucketsPerWindow = 1024;

    public static long BucketTicks(TimeSpan window) => Math.Max(1, window.Ticks / BucketsPerWindow);

    /// <summary>
    /// A call at <paramref name="ticks"/> joins <paramref name="newest"/> when it opened less than one bucket width ago
    /// (or later: another process's clock).
    /// </summary>
    public static bool Joins(CounterBucket newest, long ticks, TimeSpan window) =>
        ticks - newest.OpenedTicks < BucketTicks(window);

    /// <summary>A bucket leaves the window when its newest call does.</summary>
    public static bool HasLeft(CounterBucket bucket, TimeSpan window, DateTimeOffset now) =>
        bucket.LastTicks <= (now - window).UtcTicks;

    /// <summary>
    /// How long until enough of the oldest buckets leave for <paramref name="needed"/> to fit under <paramref
    /// name="max"/>: zero when it fits now, the whole window when it could never fit (more than max on its own).
    /// </summary>
    public static TimeSpan RetryAfter(
        IEnumerable<CounterBucket> oldestFirst, StrictDecimal sum, StrictDecimal needed, StrictDecimal max,
        TimeSpan window, DateTimeOffset now)
    {
        var total = sum + needed;
        if (total <= max)
        {
            return TimeSpan.Zero;
        }

        foreach (var bucket in oldestFirst)
        {
            total -= bucket.Amount;
            if (total <= max)
            {
                return new DateTimeOffset(bucket.LastTicks, TimeSpan.Zero) + window - now;
            }
        }

        return window;
    }
}
