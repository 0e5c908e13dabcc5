namespace McpGuard.Telemetry;

/// <summary>
/// Measurements of one histogram series gathered by one thread before they are added to the series at once
/// (<see cref="MetricSeries.Merge"/>): per-bucket counts, sum, min and max, as the series keeps them.
/// </summary>
internal sealed class HistogramPart(LabelValues labels, double[] bounds)
{
    public LabelValues Labels => labels;

    /// <summary>Per bucket, as <see cref="MetricSeries"/> counts them: bucket i is (bounds[i-1], bounds[i]].</summary>
    public long[] Buckets { get; } = new long[bounds.Length + 1];

    public long Count { get; private set; }

    public double Sum { get; private set; }

    public double Min { get; private set; } = double.PositiveInfinity;

    public double Max { get; private set; } = double.NegativeInfinity;

    public void Add(double value)
    {
        Buckets[MetricSeries.BucketOf(bounds, value)]++;
        Count++;
        Sum += value;
        if (value < Min)
        {
            Min = value;
        }

        if (value > Max)
        {
            Max = value;
        }
    }

    public void Clear()
    {
        Array.Clear(Buckets);
        Count = 0;
        Sum = 0;
        Min = double.PositiveInfinity;
        Max = double.NegativeInfinity;
    }
}
