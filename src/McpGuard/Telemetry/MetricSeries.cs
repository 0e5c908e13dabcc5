using System.Globalization;
using System.Text;

namespace McpGuard.Telemetry;

/// <summary>
/// One labelled series of <see cref="PrometheusMetrics"/>: a sum (counter), a last value (gauge) or buckets.
/// </summary>
internal sealed class MetricSeries(IReadOnlyList<double>? bounds, bool gauge)
{
    /// <summary>Cumulative, as the format wants: bucket i counts every value at most bounds[i].</summary>
    private readonly long[]? _buckets = bounds is null ? null : new long[bounds.Count];
    private readonly Lock _lock = new();
    private double _sum;
    private long _count;

    public void Add(double value)
    {
        lock (_lock)
        {
            _count++;
            _sum = gauge ? value : _sum + value;
            if (_buckets is null)
            {
                return;
            }

            for (var i = _buckets.Length - 1; i >= 0 && value <= bounds![i]; i--)
            {
                _buckets[i]++;
            }
        }
    }

    public void WriteTo(StringBuilder text, string name, string labels)
    {
        lock (_lock)
        {
            if (_buckets is null)
            {
                Line(text, name, labels, _sum);
                return;
            }

            for (var i = 0; i < _buckets.Length; i++)
            {
                Line(text, name + "_bucket", Join(labels, $"le=\"{Number(bounds![i])}\""), _buckets[i]);
            }

            Line(text, name + "_bucket", Join(labels, "le=\"+Inf\""), _count);
            Line(text, name + "_sum", labels, _sum);
            Line(text, name + "_count", labels, _count);
        }
    }

    private static string Join(string labels, string label) => labels.Length == 0 ? label : labels + "," + label;

    private static void Line(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
