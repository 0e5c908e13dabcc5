using System.Diagnostics;

namespace McpGuard.Telemetry;

/// <summary>
/// Places stopwatch timestamps on the wall clock (Unix nanoseconds) from one reading of both, taken when a batch is
/// encoded: a request's times cost one monotonic read each on the relay's path, and the wall clock is read per batch.
/// </summary>
internal readonly struct SpanClock(long nowTimestamp, long nowUnixNanos)
{
    private static readonly double s_nanosPerTick = 1e9 / Stopwatch.Frequency;

    public static SpanClock Now()
    {
        var timestamp = Stopwatch.GetTimestamp();
        var unixNanos = (TimeProvider.System.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
        return new SpanClock(timestamp, unixNanos);
    }

    public long UnixNanos(long timestamp) => nowUnixNanos - (long)((nowTimestamp - timestamp) * s_nanosPerTick);
}
