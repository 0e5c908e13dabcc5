using McpGuard.Policy.Values;

namespace McpGuard.Policy.Limits;

/// <summary>
/// What was counted in the last window: a sum of amounts (1 per call for a rate limit). Calls that arrive
/// within 1/1024 of the window of the bucket's first call share that bucket, stamped with the <em>latest</em>
/// call's time: a bucket leaves the window only when its newest call does, so the window never forgets a call
/// early and never lets more than <c>max</c> through; at worst a wait is one bucket (about 0.1%) longer than
/// exact. That rounding buys bounded memory: at most about 1,024 buckets per window however many calls there
/// are. The memory store keeps one of these per counter; the SQLite store keeps the same buckets as rows and
/// uses <see cref="WindowArithmetic"/> on them. Not thread-safe: the memory store serialises access.
/// </summary>
internal sealed class SlidingWindow(TimeSpan window)
{
    // A ring of buckets, oldest at _head; Queue<T> cannot update its newest item, which every call does.
    private CounterBucket[] _ring = new CounterBucket[4];
    private int _head;
    private int _length;

    public TimeSpan Window { get; } = window;

    /// <summary>The total amount in the window.</summary>
    public StrictDecimal Sum { get; private set; } = StrictDecimal.Zero;

    public bool IsEmpty => _length == 0;

    /// <summary>The oldest bucket still in the window, if any (it leaves first).</summary>
    public CounterBucket? Oldest => _length > 0 ? _ring[_head] : null;

    public void Expire(DateTimeOffset now)
    {
        var cutoff = (now - Window).UtcTicks;
        while (_length > 0 && _ring[_head].LastTicks <= cutoff)
        {
            Sum -= _ring[_head].Amount;
            _ring[_head] = default;
            _head = (_head + 1) % _ring.Length;
            _length--;
        }
    }

    /// <summary>
    /// How long until enough old amounts leave for <paramref name="needed"/> to fit under <paramref name="max"/>.
    /// </summary>
    public TimeSpan RetryAfter(StrictDecimal needed, StrictDecimal max, DateTimeOffset now) =>
        WindowArithmetic.RetryAfter(Buckets(), Sum, needed, max, Window, now);

    /// <summary>Counts <paramref name="amount"/> now; returns the bucket it went into (for a give-back).</summary>
    public long Add(DateTimeOffset now, StrictDecimal amount)
    {
        var ticks = now.UtcTicks;
        Sum += amount;
        if (_length > 0)
        {
            ref var newest = ref _ring[(_head + _length - 1) % _ring.Length];
            if (WindowArithmetic.Joins(newest, ticks, Window))
            {
                newest = newest with { LastTicks = Math.Max(newest.LastTicks, ticks), Amount = newest.Amount + amount };
                return newest.OpenedTicks;
            }
        }

        if (_length == _ring.Length)
        {
            Grow();
        }

        _ring[(_head + _length) % _ring.Length] = new CounterBucket(ticks, ticks, amount);
        _length++;
        return ticks;
    }

    /// <summary>
    /// Takes an amount back out of the bucket it was counted in; nothing when that bucket has left the window.
    /// </summary>
    public void GiveBack(long bucketOpenedTicks, StrictDecimal amount)
    {
        for (var i = 0; i < _length; i++)
        {
            ref var bucket = ref _ring[(_head + i) % _ring.Length];
            if (bucket.OpenedTicks == bucketOpenedTicks)
            {
                var taken = amount <= bucket.Amount ? amount : bucket.Amount;
                bucket = bucket with { Amount = bucket.Amount - taken };
                Sum -= taken;
                return;
            }
        }
    }

    private IEnumerable<CounterBucket> Buckets()
    {
        for (var i = 0; i < _length; i++)
        {
            yield return _ring[(_head + i) % _ring.Length];
        }
    }

    private void Grow()
    {
        var larger = new CounterBucket[_ring.Length * 2];
        for (var i = 0; i < _length; i++)
        {
            larger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = larger;
        _head = 0;
    }
}
