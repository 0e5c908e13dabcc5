namespace McpGuard.Benchmarks;

/// <summary>
/// A clock that moves on by <see cref="Step"/> every time it is read, so a few thousand calls in a benchmark see
/// the counter a guard sees after minutes of traffic: every window full of its buckets. Timers stay real.
/// </summary>
internal sealed class SteppingClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public TimeSpan Step { get; set; }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Add(ref _ticks, Step.Ticks), TimeSpan.Zero);
}
