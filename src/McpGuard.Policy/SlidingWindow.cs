namespace McpGuard.Policy;

/// <summary>
/// What was forwarded in the last window: a timestamp (and amount, for budgets) per call. Exact, unlike a
/// fixed-window or token-bucket approximation, and small: a window holds at most <c>max</c> entries.
/// Not thread-safe: <see cref="LimitLedger"/> serialises access.
/// </summary>
internal sealed class SlidingWindow(TimeSpan window)
{
    private readonly Queue<(long Ticks, StrictDecimal Amount)> _entries = new();
    private StrictDecimal _sum = new(0, 0);

    public TimeSpan Window { get; } = window;

    public int Count => _entries.Count;

    public StrictDecimal Sum => _sum;

    public void Expire(DateTimeOffset now)
    {
        var cutoff = (now - Window).UtcTicks;
        while (_entries.TryPeek(out var oldest) && oldest.Ticks <= cutoff)
        {
            _entries.Dequeue();
            _sum += new StrictDecimal(-oldest.Amount.Mantissa, oldest.Amount.Scale);
        }
    }

    /// <summary>When the oldest entry leaves the window, so one more call fits.</summary>
    public TimeSpan RetryAfter(DateTimeOffset now) =>
        _entries.TryPeek(out var oldest) ? new DateTimeOffset(oldest.Ticks, TimeSpan.Zero) + Window - now : TimeSpan.Zero;

    /// <summary>How long until enough old amounts leave the window for <paramref name="needed"/> to fit under <paramref name="max"/>.</summary>
    public TimeSpan RetryAfterFor(StrictDecimal needed, StrictDecimal max, DateTimeOffset now)
    {
        var sum = _sum + needed;
        foreach (var (ticks, amount) in _entries)
        {
            if (sum <= max)
            {
                break;
            }

            sum += new StrictDecimal(-amount.Mantissa, amount.Scale);
            if (sum <= max)
            {
                return new DateTimeOffset(ticks, TimeSpan.Zero) + Window - now;
            }
        }

        return sum <= max ? TimeSpan.Zero : Window;
    }

    public void Add(DateTimeOffset now, StrictDecimal amount)
    {
        _entries.Enqueue((now.UtcTicks, amount));
        _sum += amount;
    }
}
