namespace McpGuard.Policy.Limits;

/// <summary>
/// Counters in this process only: <c>state: { store: memory }</c>, every <c>scope: session</c> limit, and every
/// engine built without a store (<c>explain</c>, <c>test</c>, <c>replay</c>: they never touch a user's real counters).
/// One lock makes "check every demand, then count in all" atomic: a burst of 50 calls against <c>max: 2</c>
/// forwards exactly 2, and a call refused by one limit is counted in none. Counters whose buckets have all left
/// their window are dropped now and then, so memory follows what was counted in the window, not every
/// <c>per</c> value ever seen.
/// </summary>
internal sealed class MemoryCounterStore : ICounterStore
{
    private const int SweepEvery = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<CounterId, SlidingWindow> _windows = [];
    private int _untilSweep = SweepEvery;

    public string Description => "the in-memory store";

    public bool AnswersAtOnce => true;

    internal int CounterCount
    {
        get
        {
            lock (_lock)
            {
                return _windows.Count;
            }
        }
    }

    public ValueTask<CountOutcome> TryCountAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Each counter is looked up once: the windows found while checking are the ones counted in. A call has
            // at most three counters (rate limit, global rate limit, budget), so they are kept on the stack.
            var few = default(FewWindows);
            Span<SlidingWindow?> windows = demands.Count <= FewWindows.Length
                ? ((Span<SlidingWindow?>)few)[..demands.Count]
                : new SlidingWindow?[demands.Count];
            if (Check(demands, now, windows) is { } refused)
            {
                return new(refused);
            }

            var counted = new CountedAmount[demands.Count];
            for (var i = 0; i < demands.Count; i++)
            {
                var demand = demands[i];
                var window = windows[i];
                if (window is null && !_windows.TryGetValue(demand.Counter, out window))
                {
                    _windows[demand.Counter] = window = new SlidingWindow(demand.Counter.Window);
                }

                counted[i] = new CountedAmount(demand.Counter, window.Add(now, demand.Amount), demand.Amount);
            }

            if (--_untilSweep <= 0)
            {
                Sweep(now);
            }

            return new(new CountOutcome.Counted(new CountReceipt(counted)));
        }
    }

    public ValueTask<CountOutcome> CheckAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var few = default(FewWindows);
            Span<SlidingWindow?> windows = demands.Count <= FewWindows.Length
                ? ((Span<SlidingWindow?>)few)[..demands.Count]
                : new SlidingWindow?[demands.Count];
            return new(Check(demands, now, windows) ?? (CountOutcome)CountOutcome.Fits.Instance);
        }
    }

    /// <summary>
    /// The first demand that does not fit, or null when all do; <paramref name="windows"/> gets each demand's window
    /// (null for a counter that has none yet). Under the lock.
    /// </summary>
    private CountOutcome.Refused? Check(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, Span<SlidingWindow?> windows)
    {
        for (var i = 0; i < demands.Count; i++)
        {
            var demand = demands[i];
            if ((windows[i] = Existing(demand.Counter, now)) is { } window
                && window.Sum + demand.Amount > demand.Max)
            {
                return new CountOutcome.Refused(i, window.RetryAfter(demand.Amount, demand.Max, now));
            }

            if (demand.Amount > demand.Max)
            {
                return new CountOutcome.Refused(i, demand.Counter.Window);
            }
        }

        return null;
    }

    public ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var counted in receipt.Counted)
            {
                if (_windows.TryGetValue(counted.Counter, out var window))
                {
                    window.GiveBack(counted.BucketOpenedTicks, counted.Amount);
                }
            }
        }

        return new(true);
    }

    public ValueTask<IReadOnlyList<CounterReading>> ReadAsync(
        string counterNamespace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var readings = new List<CounterReading>();
            foreach (var (id, window) in _windows)
            {
                window.Expire(now);
                if (id.Namespace == counterNamespace && window.Oldest is { } oldest)
                {
                    var frees = new DateTimeOffset(oldest.LastTicks, TimeSpan.Zero) + window.Window;
                    readings.Add(new CounterReading(id, window.Sum, frees));
                }
            }

            return new(readings);
        }
    }

    public ValueTask<int> ResetAsync(string counterNamespace, string entry, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var cleared = _windows.Keys.Where(k => k.Namespace == counterNamespace && k.Entry == entry).ToList();
            foreach (var key in cleared)
            {
                _windows.Remove(key);
            }

            return new(cleared.Count);
        }
    }

    private SlidingWindow? Existing(CounterId id, DateTimeOffset now)
    {
        if (!_windows.TryGetValue(id, out var window))
        {
            return null;
        }

        window.Expire(now);
        return window;
    }

    private void Sweep(DateTimeOffset now)
    {
        _untilSweep = SweepEvery;
        foreach (var (id, window) in _windows)
        {
            window.Expire(now);
            if (window.IsEmpty)
            {
                _windows.Remove(id);
            }
        }
    }

    [System.Runtime.CompilerServices.InlineArray(Length)]
    private struct FewWindows
    {
        public const int Length = 4;

        private SlidingWindow? _first;
    }
}
