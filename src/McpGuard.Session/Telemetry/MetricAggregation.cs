namespace McpGuard.Telemetry;

/// <summary>
/// The guard's own metric state (docs/telemetry.md#cost): a table of series per instrument, attached to the
/// instruments while it lives, read by the OTLP export and the Prometheus scrape alike. Cumulative since it was
/// made (<see cref="StartedAt"/>), as both formats want. Hand-written rather than the OpenTelemetry SDK's meter
/// provider: the SDK looked each measurement's tag set up in its aggregator (about a third of telemetry's cost per
/// call) and its start-up added ~25 ms; here a measurement is a cached series and an interlocked add.
/// </summary>
internal sealed class MetricAggregation : IDisposable
{
    /// <summary>Series kept at most, all instruments together; measurements for further series are dropped.</summary>
    public const int MaxSeries = 10_000;

    private readonly List<MetricTable> _tables = [];
    private int _series;

    public MetricAggregation()
    {
        StartedAt = SpanClock.Now().UnixNanos(System.Diagnostics.Stopwatch.GetTimestamp());
        foreach (var instrument in GuardTelemetry.Instruments)
        {
            var table = new MetricTable(instrument, this);
            _tables.Add(table);
            instrument.Attach(table);
        }
    }

    /// <summary>When counting started, in Unix nanoseconds: every point's start time.</summary>
    public long StartedAt { get; }

    /// <summary>Each instrument's series, in <see cref="GuardTelemetry.Instruments"/>' order.</summary>
    public IReadOnlyList<MetricTable> Tables => _tables;

    /// <summary>Room for one more series: false past <see cref="MaxSeries"/>.</summary>
    public bool TryReserveSeries()
    {
        if (Volatile.Read(ref _series) >= MaxSeries)
        {
            return false;
        }

        return Interlocked.Increment(ref _series) <= MaxSeries;
    }

    public void Dispose()
    {
        foreach (var table in _tables)
        {
            table.Instrument.Detach(table);
        }
    }
}
