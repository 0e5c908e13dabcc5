using System.Text;
using static McpGuard.Telemetry.PrometheusText;

namespace McpGuard.Telemetry;

/// <summary>
/// The guard's own metrics in the Prometheus text format (0.0.4), for <c>GET /metrics</c> on <c>serve</c>'s listener,
/// written from the same <see cref="MetricAggregation"/> the OTLP export reads. Not OpenTelemetry's Prometheus
/// exporter, which is only a beta (1.20.1-beta.1): a prerelease dependency in a security tool for ~150 lines of a
/// stable, simple format. Series are bounded (<see cref="MaxSeries"/>), so calls to random tool names cannot grow
/// the guard's memory (docs/telemetry.md). A label whose value is null is left out, which Prometheus reads as the
/// same series as an empty value.
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    public const int MaxSeries = MetricAggregation.MaxSeries;

    private readonly MetricAggregation _aggregation;
    private readonly bool _owned;

    /// <param name="shared">The OTLP export's aggregation, when there is one: one count serves both.</param>
    public PrometheusMetrics(MetricAggregation? shared = null)
    {
        _owned = shared is null;
        _aggregation = shared ?? new MetricAggregation();
    }

    /// <summary>Every series so far, in the text format, each metric family with its HELP and TYPE lines.</summary>
    public string Scrape()
    {
        // With OTLP on, durations are counted on the export thread a batch at a time: those queued are counted now.
        TelemetryExport.CountQueuedDurations();
        var families = new List<(string Name, string Text)>();
        foreach (var table in _aggregation.Tables)
        {
            var instrument = table.Instrument;
            var series = table.Series
                .Select(s => (Labels: Labels(instrument.Labels, s.Labels), Series: s))
                .OrderBy(s => s.Labels, StringComparer.Ordinal).ToList();
            if (series.Count > 0)
            {
                var name = PrometheusName(instrument.Name, instrument.Unit, counter: !instrument.IsHistogram);
                var text = Head(name, instrument.Description, instrument.IsHistogram ? "histogram" : "counter");
                foreach (var (labels, one) in series)
                {
                    if (instrument.IsHistogram)
                    {
                        Histogram(text, name, labels, one, instrument.Bounds!);
                    }
                    else
                    {
                        Line(text, name, labels, one.Total);
                    }
                }

                families.Add((instrument.Name, text.ToString()));
            }
        }

        var uses = GuardTelemetry.LimitUses.Read();
        if (uses.Count > 0)
        {
            families.Add((TelemetryNames.LimitUsed, Gauge(
                TelemetryNames.LimitUsed, LimitUseSources.UsedDescription, uses, u => u.Used)));
            families.Add((TelemetryNames.LimitMax, Gauge(
                TelemetryNames.LimitMax, LimitUseSources.MaxDescription, uses, u => u.Max)));
        }

        return string.Concat(families.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => f.Text));
    }

    /// <summary>
    /// <c>mcpguard.decisions</c> → <c>mcpguard_decisions_total</c>; a histogram in seconds gains <c>_seconds</c>.
    /// </summary>
    public static string PrometheusName(string name, string unit, bool counter)
    {
        var prometheus = name.Replace('.', '_') + (unit == "s" ? "_seconds" : "");
        return counter ? prometheus + "_total" : prometheus;
    }

    public void Dispose()
    {
        if (_owned)
        {
            _aggregation.Dispose();
        }
    }

    private static StringBuilder Head(string name, string description, string type) =>
        new StringBuilder().Append("# HELP ").Append(name).Append(' ').Append(description).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static string Gauge(
        string metric, string description, IReadOnlyList<LimitUse> uses, Func<LimitUse, double> value)
    {
        var name = PrometheusName(metric, LimitUseSources.Unit, counter: false);
        var text = Head(name, description, "gauge");
        var lines = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var use in uses)
        {
            lines[Labels(LimitUseSources.Labels, LimitUseSources.LabelsOf(use))] = value(use);
        }

        foreach (var (labels, last) in lines)
        {
            Line(text, name, labels, last);
        }

        return text.ToString();
    }

    private static void Histogram(StringBuilder text, string name, string labels, MetricSeries series, double[] bounds)
    {
        Span<long> buckets = stackalloc long[bounds.Length + 1];
        var count = series.ReadBuckets(buckets);
        long cumulative = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            cumulative += buckets[i];
            Line(text, name + "_bucket", Join(labels, $"le=\"{Number(bounds[i])}\""), cumulative);
        }

        Line(text, name + "_bucket", Join(labels, "le=\"+Inf\""), count);
        Line(text, name + "_sum", labels, series.Sum);
        Line(text, name + "_count", labels, count);
    }
}
