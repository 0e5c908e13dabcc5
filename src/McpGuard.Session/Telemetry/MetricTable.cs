using System.Collections.Concurrent;

namespace McpGuard.Telemetry;

/// <summary>
/// One instrument's series in one <see cref="MetricAggregation"/>, by label values. The series found last is
/// checked first (a string compare per label, no hashing, no key made): calls mostly repeat the last call's
/// decision, rule and tool. A new series past the aggregation's bound is not made and its measurement is dropped,
/// so label values from outside (tool names) cannot grow the guard's memory.
/// </summary>
internal sealed class MetricTable(MetricInstrument instrument, MetricAggregation aggregation)
{
    private readonly ConcurrentDictionary<LabelValues, MetricSeries> _series = new();
    private MetricSeries? _last;

    public MetricInstrument Instrument => instrument;

    public ICollection<MetricSeries> Series => _series.Values;

    public MetricSeries? Find(in LabelValues labels)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Labels.Matches(labels))
        {
            return last;
        }

        if (!_series.TryGetValue(labels, out var series))
        {
            if (!aggregation.TryReserveSeries())
            {
                return null;
            }

            series = _series.GetOrAdd(labels, l => new MetricSeries(l, instrument.Bounds));
        }

        Volatile.Write(ref _last, series);
        return series;
    }
}
