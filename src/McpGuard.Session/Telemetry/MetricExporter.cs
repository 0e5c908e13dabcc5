using System.Diagnostics;

namespace McpGuard.Telemetry;

/// <summary>
/// Posts the guard's metrics to <c>/v1/metrics</c> every export interval (<c>OTEL_METRIC_EXPORT_INTERVAL</c>, 60 s
/// by default) and once more when disposed, so a session that ends is exported whole (docs/telemetry.md). One
/// background thread that sleeps between exports; the relay's threads only count into the
/// <see cref="Aggregation"/>. Cumulative, so a failed post loses nothing: the next one carries the totals.
/// </summary>
internal sealed class MetricExporter : IDisposable
{
    private readonly OtlpMetricWriter _writer;
    private readonly OtlpPoster _poster;
    private readonly TimeSpan _interval;
    /// <summary>Set on exit; the thread sleeps on it between exports, shallow (<see cref="ExportSignal"/>).</summary>
    private readonly ExportSignal _stop = new();
    private readonly Thread _thread;

    private MetricExporter(OtlpMetricWriter writer, OtlpPoster poster, TimeSpan interval)
    {
        _writer = writer;
        _poster = poster;
        _interval = interval;
        _thread = new Thread(Run) { IsBackground = true, Name = "McpGuard OTLP metrics" };
    }

    /// <summary>The series counted since the export started, shared with a Prometheus scrape.</summary>
    public MetricAggregation Aggregation { get; } = new();

    public static MetricExporter Start(OtlpMetricWriter writer, OtlpPoster poster, TimeSpan interval)
    {
        var exporter = new MetricExporter(writer, poster, interval);
        exporter._thread.Start();
        return exporter;
    }

    /// <summary>
    /// The guard is exiting: a post in flight and the last export (<see cref="Stop"/>, started later) end within one
    /// export timeout from now, the same as the spans' (<see cref="TelemetryExport.Dispose"/>).
    /// </summary>
    public void Closing() => _poster.Close();

    /// <summary>Starts the last export without waiting for it (<see cref="Dispose"/> waits).</summary>
    public void Stop()
    {
        if (_stop.IsSet)
        {
            return;
        }

        _poster.Close();
        _stop.Set();
    }

    public void Dispose()
    {
        Stop();
        _thread.Join(); // bounded: the last post stops at the export timeout
        Aggregation.Dispose();
        _poster.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        ExportThreadPriority.Lower();
        while (!_stop.Wait(_interval))
        {
            Export();
        }

        Export();
    }

    private void Export()
    {
        var body = _writer.Write(
            Aggregation, GuardTelemetry.LimitUses.Read(), SpanClock.Now().UnixNanos(Stopwatch.GetTimestamp()));
        if (body.Count > 0)
        {
            _poster.Post(body);
        }
    }
}
