namespace McpGuard.Http.Bearer;

/// <summary>
/// A cancellation at a moment of the clock however far away it is. A timer waits at most ~49.7 days (uint.MaxValue
/// - 1 ms; <see cref="CancellationTokenSource(TimeSpan, TimeProvider)"/> throws past it), so a longer wait is taken in
/// steps of at most 24 days, each measured again from the clock, until the moment has come.
/// </summary>
internal sealed class ClockDeadline
{
    private static readonly TimeSpan s_longestStep = TimeSpan.FromDays(24);

    private readonly CancellationTokenSource _source;
    private readonly DateTimeOffset _end;
    private readonly TimeProvider _clock;
    private readonly ITimer _timer;

    private ClockDeadline(CancellationTokenSource source, DateTimeOffset end, TimeProvider clock)
    {
        _source = source;
        _end = end;
        _clock = clock;
        _timer = clock.CreateTimer(
            static state => ((ClockDeadline)state!).Step(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// A source cancelled at <paramref name="end"/>. Cancelling it sooner stops its timer; dispose it only after
    /// cancelling it.
    /// </summary>
    public static CancellationTokenSource At(DateTimeOffset end, TimeProvider clock)
    {
        // The source is the caller's; the timer goes with the source's cancellation.
        var deadline = new ClockDeadline(new CancellationTokenSource(), end, clock);
        deadline._source.Token.UnsafeRegister(static state => ((ClockDeadline)state!)._timer.Dispose(), deadline);
        deadline.Step();
        return deadline._source;
    }

    private void Step()
    {
        var left = _end - _clock.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            _timer.Change(left < s_longestStep ? left : s_longestStep, Timeout.InfiniteTimeSpan);
            return;
        }

        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed without being cancelled first: nobody is waiting for it.
        }
    }
}
