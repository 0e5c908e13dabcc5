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
        Interlocked.Increment(ref _buckets![BucketOf(_bounds!, value)]);
        AddSum(value);
        Extend(value, value);
    }

    /// <summary>A thread's gathered measurements, added at once: an interlocked add per bucket that has any.</summary>
    public void Merge(HistogramPart part)
    {
        var buckets = part.Buckets;
        for (var i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] != 0)
            {
                Interlocked.Add(ref _buckets![i], buckets[i]);
            }
        }

        AddSum(part.Sum);
        Extend(part.Min, part.Max);
    }

    /// <summary>The bucket <paramref name="value"/> falls in: the first bound not below it, else the last.</summary>
    public static int BucketOf(double[] bounds, double value)
    {
        var bucket = 0;
        while (bucket < bounds.Length && value > bounds[bucket])
        {
            bucket++;
        }

        return bucket;
    }

    private void AddSum(double value)
    {
        var sum = Volatile.Read(ref _sum);
        while (Interlocked.CompareExchange(ref _sum, sum + value, sum) is var seen && seen != sum)
        {
            sum = seen;
        }
    }

    private void Extend(double low, double high)
    {
        for (var min = Volatile.Read(ref _min); low < min; min = Volatile.Read(ref _min))
        {
            Interlocked.CompareExchange(ref _min, low, min);
        }

        for (var max = Volatile.Read(ref _max); high > max; max = Volatile.Read(ref _max))
        {
            Interlocked.CompareExchange(ref _max, high, max);
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
