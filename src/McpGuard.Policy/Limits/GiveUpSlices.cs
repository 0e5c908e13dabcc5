using System.Diagnostics.CodeAnalysis;

namespace McpGuard.Policy.Limits;

/// <summary>
/// The token a counter store is given to withdraw a count that waited longer than <c>state.timeout</c>, shared by
/// every count that starts within the same 10 ms slice: one token source, and at most one timer and one link to the
/// caller's token per slice, instead of a token source per count and a timer and a link per count the store did
/// not answer at once (pipelined calls: each of them; bench/HISTORY.md, issue 27, sixth session). The slice's token
/// is cancelled <c>state.timeout</c> after the slice ends, so a count waits at least <c>state.timeout</c> and at
/// most 10 ms more before it is given up.
/// </summary>
internal sealed class GiveUpSlices(TimeProvider clock)
{
    private readonly long _sliceTicks = clock.TimestampFrequency / 100;
    private Slice? _current;

    /// <summary>
    /// The slice a count starting now belongs to. A count under another caller's token or timeout (another session
    /// of the same engine) starts a fresh slice; null only when another thread started one meanwhile that does not
    /// fit: that count gives up on its own.
    /// </summary>
    public Slice? For(TimeSpan timeout, CancellationToken caller)
    {
        var now = clock.GetTimestamp();
        var slice = Volatile.Read(ref _current);
        if (slice is not null && now < slice.EndsAt && slice.Caller == caller && slice.Timeout == timeout)
        {
            return slice;
        }

        var fresh = new Slice(clock, timeout, now + _sliceTicks, caller);
        var seen = Interlocked.CompareExchange(ref _current, fresh, slice);
        if (seen == slice)
        {
            return fresh;
        }

        // Another thread started a slice meanwhile: join it if it fits, else give up alone.
        return seen is not null && now < seen.EndsAt && seen.Caller == caller && seen.Timeout == timeout ? seen : null;
    }

    /// <summary>The counts that started within one slice.</summary>
    [SuppressMessage("Design", "CA1001", Justification = "The source has no timer of its own: nothing to release.")]
    internal sealed class Slice(TimeProvider clock, TimeSpan timeout, long endsAt, CancellationToken caller)
    {
        private readonly CancellationTokenSource _giveUp = new();
        private ITimer? _timer;
        private CancellationTokenRegistration _link;
        private int _armed;

        public CancellationToken Caller { get; } = caller;

        public TimeSpan Timeout { get; } = timeout;

        public long EndsAt { get; } = endsAt;

        public CancellationToken Token => _giveUp.Token;

        /// <summary>
        /// A count of this slice did not complete at once: the slice gives up <see cref="Timeout"/> after it ends,
        /// or when the caller's token is cancelled. Only the first such count sets the timer and the link.
        /// </summary>
        public void Arm()
        {
            if (Volatile.Read(ref _armed) != 0 || Interlocked.Exchange(ref _armed, 1) != 0)
            {
                return;
            }

            var left = TimeSpan.FromTicks(
                (long)((EndsAt - clock.GetTimestamp()) * (double)TimeSpan.TicksPerSecond / clock.TimestampFrequency));
            _link = Caller.UnsafeRegister(static state => ((Slice)state!).GiveUp(), this);
            _timer = clock.CreateTimer(
                static state => ((Slice)state!).GiveUp(),
                this,
                Timeout + (left > TimeSpan.Zero ? left : TimeSpan.Zero),
                System.Threading.Timeout.InfiniteTimeSpan);
        }

        private void GiveUp()
        {
            _giveUp.Cancel();
            _link.Dispose();
            _timer?.Dispose();
        }
    }
}
