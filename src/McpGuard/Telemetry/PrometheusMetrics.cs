using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace McpGuard.Telemetry;

/// <summary>
/// The guard's own metrics in the Prometheus text format (0.0.4), for <c>GET /metrics</c> on <c>serve</c>'s listener.
/// Written here from a <see cref="MeterListener"/> rather than with OpenTelemetry's Prometheus exporter, which is only
/// a beta (1.20.1-beta.1): a prerelease dependency in a security tool for ~150 lines of a stable, simple format, and
/// it would need the SDK's meter provider built even when OTLP is off. Series are bounded (<see cref="MaxSeries"/>),
/// so calls to random tool names cannot grow the guard's memory (docs/telemetry.md).
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    public const int MaxSeries = 10_000;

    /// <summary>Bucket bounds in seconds, from 100 µs (a relayed call) to 10 minutes (a person deciding).</summary>
    private static readonly double[] s_bounds =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<SeriesKey, MetricSeries> _series = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new(StringComparer.Ordinal);

    public PrometheusMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GuardTelemetry.Name)
            {
                _instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every series so far, in the text format, each metric family with its HELP and TYPE lines.</summary>
    public string Scrape()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var family in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var instrument = _instruments[family.Key];
            var name = PrometheusName(instrument);
            var type = instrument switch
            {
                Histogram<double> => "histogram",
                Counter<long> or Counter<double> => "counter",
                _ => "gauge",
            };
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (key, series) in family.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
            {
                series.WriteTo(text, name, key.Labels);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// <c>mcpguard.decisions</c> → <c>mcpguard_decisions_total</c>; a histogram in seconds gains <c>_seconds</c>.
    /// </summary>
    public static string PrometheusName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        if (instrument.Unit == "s")
        {
            name += "_seconds";
        }

        return instrument is Counter<long> or Counter<double> ? name + "_total" : name;
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = new SeriesKey(instrument.Name, Labels(tags));
        if (!_series.TryGetValue(key, out var series))
        {
            if (_series.Count >= MaxSeries)
            {
                return;
            }

            series = _series.GetOrAdd(key, _ => new MetricSeries(instrument is Histogram<double> ? s_bounds : null,
                gauge: instrument is not (Counter<long> or Counter<double> or Histogram<double>)));
        }

        series.Add(value);
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var (name, value) in sorted)
        {
            text.Append(text.Length == 0 ? "" : ",").Append(name.Replace('.', '_')).Append("=\"");
            AppendEscaped(text, value?.ToString() ?? "");
            text.Append('"');
        }

        return text.ToString();
    }

    /// <summary>
    /// Label values are data (tool names come from the server): backslash, quote and newline are escaped.
    /// </summary>
    private static void AppendEscaped(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }
    }

    private readonly record struct SeriesKey(string Instrument, string Labels);
}
