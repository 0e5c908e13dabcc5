namespace McpGuard.Telemetry;

/// <summary>
/// One labelled series of an instrument: a counter's sum, or a histogram's buckets, sum, min and max. Updated
/// lock-free by the relay's threads (one interlocked add per counter measurement; a bucket increment and a
/// compare-and-swap on the sum per histogram measurement), read by an export or a scrape. A reader may see a
/// measurement's bucket before its sum: the next read has both.
/// </summary>
internal sealed class MetricSeries
{
    private readonly double[]? _bounds;

    /// <summary>Per bucket, not cumulative: bucket i counts (bounds[i-1], bounds[i]]; the last, the rest.</summary>
    private readonly long[]? _buckets;
    private long _total;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    public MetricSeries(LabelValues labels, double[]? bounds)
    {
        Labels = labels;
        _bounds = bounds;
        _buckets = bounds is null ? null : new long[bounds.Length + 1];
    }

    public LabelValues Labels { get; }

    /// <summary>A counter's value.</summary>
    public long Total => Volatile.Read(ref _total);

    public double Sum => Volatile.Read(ref _sum);

    public double Min => Volatile.Read(ref _min);

    public double Max => Volatile.Read(ref _max);

    public void Add(long value) => Interlocked.Add(ref _total, value);

    public void Record(double value)
    {
        var bounds = _bounds!;
        var bucket = 0;
        while (bucket < bounds.Length && value > bounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _buckets![bucket]);
        var sum = Volatile.Read(ref _sum);
        while (Interlocked.CompareExchange(ref _sum, sum + value, sum) is var seen && seen != sum)
        {
            sum = seen;
        }

        for (var min = Volatile.Read(ref _min); value < min; min = Volatile.Read(ref _min))
        {
            Interlocked.CompareExchange(ref _min, value, min);
        }

        for (var max = Volatile.Read(ref _max); value > max; max = Volatile.Read(ref _max))
        {
            Interlocked.CompareExchange(ref _max, value, max);
        }
    }

    /// <summary>Copies the per-bucket counts into <paramref name="to"/> (bounds + 1); returns the count.</summary>
    public long ReadBuckets(Span<long> to)
    {
        long count = 0;
        for (var i = 0; i < _buckets!.Length; i++)
        {
            to[i] = Volatile.Read(ref _buckets[i]);
            count += to[i];
        }

        return count;
    }
}
