namespace McpGuard.Policy;

/// <summary>
/// What was forwarded in the last window, for a rate limit (a count) or a budget (a sum). Calls that arrive
/// within 1/1024 of the window of the bucket's first call share that bucket, stamped with the <em>latest</em>
/// call's time: a bucket leaves the window only when its newest call does, so the window never forgets a call
/// early and never lets more than <c>max</c> through; at worst a wait is one bucket (about 0.1%) longer than
/// exact. That rounding buys bounded memory: about 1,024 buckets per window however many calls there are (a
/// 24-hour budget on a busy tool would otherwise keep every call of the day).
/// Not thread-safe: <see cref="LimitLedger"/> serialises access.
/// </summary>
internal sealed class SlidingWindow(TimeSpan window)
{
    private const int BucketsPerWindow = 1024;

    private readonly long _bucketTicks = Math.Max(1, window.Ticks / BucketsPerWindow);

    // A ring of buckets, oldest at _head; Queue<T> cannot update its newest item, which every call does.
    private Bucket[] _ring = new Bucket[8];
    private int _head;
    private int _length;
    private long _newestOpenedAt;
    private StrictDecimal _sum = new(0, 0);

    public TimeSpan Window { get; } = window;

    /// <summary>How many calls are in the window.</summary>
    public int Count { get; private set; }

    /// <summary>The total amount of the calls in the window (budgets).</summary>
    public StrictDecimal Sum => _sum;

    public void Expire(DateTimeOffset now)
    {
        var cutoff = (now - Window).UtcTicks;
        while (_length > 0 && _ring[_head].LastTicks <= cutoff)
        {
            var oldest = _ring[_head];
            _ring[_head] = default;
            _head = (_head + 1) % _ring.Length;
            _length--;
            Count -= oldest.Count;
            _sum += Negate(oldest.Amount);
        }
    }

    /// <summary>When the oldest bucket leaves the window, so one more call fits.</summary>
    public TimeSpan RetryAfter(DateTimeOffset now) => _length > 0 ? Leaves(_ring[_head], now) : TimeSpan.Zero;

    /// <summary>How long until enough old amounts leave the window for <paramref name="needed"/> to fit under <paramref name="max"/>.</summary>
    public TimeSpan RetryAfterFor(StrictDecimal needed, StrictDecimal max, DateTimeOffset now)
    {
        var sum = _sum + needed;
        if (sum <= max)
        {
            return TimeSpan.Zero;
        }

        for (var i = 0; i < _length; i++)
        {
            var bucket = _ring[(_head + i) % _ring.Length];
            sum += Negate(bucket.Amount);
            if (sum <= max)
            {
                return Leaves(bucket, now);
            }
        }

        return Window;
    }

    public void Add(DateTimeOffset now, StrictDecimal amount)
    {
        var ticks = now.UtcTicks;
        Count++;
        _sum += amount;
        if (_length > 0 && ticks - _newestOpenedAt < _bucketTicks)
        {
            ref var newest = ref _ring[(_head + _length - 1) % _ring.Length];
            newest = new Bucket(ticks, newest.Count + 1, newest.Amount + amount);
            return;
        }

        if (_length == _ring.Length)
        {
            Grow();
        }

        _ring[(_head + _length) % _ring.Length] = new Bucket(ticks, 1, amount);
        _length++;
        _newestOpenedAt = ticks;
    }

    private void Grow()
    {
        var larger = new Bucket[_ring.Length * 2];
        for (var i = 0; i < _length; i++)
        {
            larger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = larger;
        _head = 0;
    }

    private TimeSpan Leaves(Bucket bucket, DateTimeOffset now) =>
        new DateTimeOffset(bucket.LastTicks, TimeSpan.Zero) + Window - now;

    private static StrictDecimal Negate(StrictDecimal value) => new(-value.Mantissa, value.Scale);

    private readonly record struct Bucket(long LastTicks, int Count, StrictDecimal Amount);
}
