using McpGuard.Policy.Settings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Telemetry;

/// <summary>
/// OTLP over HTTP for the guard's spans and metrics, built only when an endpoint is configured (<c>telemetry.otlp</c>,
/// else <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): with none, no exporter, listener or thread exists and nothing is sent.
/// Spans go through the guard's own <see cref="TraceExporter"/>, metrics through its own <see cref="MetricExporter"/>;
/// both carry the same resource. Disposing flushes what is buffered, so a session that ends is exported whole
/// (docs/telemetry.md).
/// </summary>
internal sealed partial class TelemetryExport : IDisposable
{
    /// <summary>
    /// The exporter's default, 60 s, unless <c>OTEL_METRIC_EXPORT_INTERVAL</c> (milliseconds) says otherwise.
    /// </summary>
    private const int DefaultMetricIntervalMs = 60_000;

    private static TraceExporter? s_traces;

    private readonly TraceExporter _traces;
    private readonly MetricExporter _metrics;

    private TelemetryExport(TraceExporter traces, MetricExporter metrics)
    {
        _traces = traces;
        _metrics = metrics;
    }

    /// <summary>The exported metrics' series: a Prometheus scrape reads the same.</summary>
    public MetricAggregation Metrics => _metrics.Aggregation;

    /// <summary>The process's span exporter while telemetry is on: where each new session's spans go.</summary>
    public static ITraceSink? Traces => Volatile.Read(ref s_traces);

    /// <summary>
    /// Before a <c>/metrics</c> scrape: the durations still queued for the next span batch are counted, so the
    /// histogram includes every answered request (bounded: a second at most).
    /// </summary>
    public static void CountQueuedDurations() => Volatile.Read(ref s_traces)?.CountQueued(TimeSpan.FromSeconds(1));

    /// <summary>
    /// The OTLP endpoint in effect: the policy's, else the standard variable's; null when telemetry is off.
    /// </summary>
    public static Uri? Endpoint(TelemetrySettings settings, Func<string, string?> environment) =>
        settings.Otlp ?? (Uri.TryCreate(environment("OTEL_EXPORTER_OTLP_ENDPOINT"), UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https" ? uri : null);

    /// <summary>Starts exporting, or returns null when no endpoint is configured.</summary>
    /// <param name="http">The HTTP stack to post through; the default one unless a test gives its own.</param>
    /// <param name="time">The clock of the exit's export timeout; the system's unless a test gives its own.</param>
    public static TelemetryExport? Start(
        TelemetrySettings settings,
        Func<string, string?> environment,
        ILogger? logger = null,
        HttpMessageHandler? http = null,
        TimeProvider? time = null)
    {
        if (Endpoint(settings, environment) is not { } endpoint)
        {
            if (settings.Otlp is null && !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT")))
            {
                // Set but unusable: say so, or the user believes telemetry is on. The value is not repeated (a
                // collector's URL may carry a key).
                LogEndpointUnusable(logger ?? NullLogger.Instance);
            }

            return null;
        }

        var interval = int.TryParse(environment("OTEL_METRIC_EXPORT_INTERVAL"), out var ms) && ms > 0
            ? ms : DefaultMetricIntervalMs;
        // Made once, so spans and metrics name the same instance.
        var resource = OtlpResource.FromEnvironment(environment);
        var log = logger ?? NullLogger.Instance;
        var traceOptions = TraceExportOptions.FromEnvironment(Signal(endpoint, "v1/traces"), environment);
        var traces = TraceExporter.Start(
            traceOptions,
            TraceSampler.FromEnvironment(environment),
            new OtlpSpanWriter(resource, GuardTelemetry.Name, GuardTelemetry.Version),
            log,
            http,
            time);
        var metrics = MetricExporter.Start(
            new OtlpMetricWriter(resource, GuardTelemetry.Name, GuardTelemetry.Version),
            new OtlpPoster(traceOptions, Signal(endpoint, "v1/metrics"), "metrics", log, http, time),
            TimeSpan.FromMilliseconds(interval));
        Volatile.Write(ref s_traces, traces);
        return new TelemetryExport(traces, metrics);
    }

    /// <summary>
    /// Flushes spans and metrics side by side, so a receiver that hangs holds the exit for one export timeout, not
    /// one per signal: both signals' countdowns start now, also when the metrics' last export must wait for a span
    /// post in flight to end before the last durations are counted.
    /// </summary>
    public void Dispose()
    {
        Interlocked.CompareExchange(ref s_traces, null, _traces);
        _traces.Stop();
        _metrics.Closing();
        _traces.WaitCounted(); // the spans' thread counts the last requests' durations: the metrics must carry them
        _metrics.Stop();
        _traces.Dispose();
        _metrics.Dispose();
    }

    private static Uri Signal(Uri endpoint, string signal)
    {
        var root = endpoint.AbsoluteUri.EndsWith('/') ? endpoint.AbsoluteUri : endpoint.AbsoluteUri + "/";
        return new Uri(new Uri(root), signal);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL such as "
        + "http://127.0.0.1:4318; telemetry is not exported.")]
    private static partial void LogEndpointUnusable(ILogger logger);
}
