using McpGuard.Policy.Settings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace McpGuard.Telemetry;

/// <summary>
/// OTLP over HTTP for the guard's spans and metrics, built only when an endpoint is configured (<c>telemetry.otlp</c>,
/// else <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): with none, no exporter, listener or thread exists and nothing is sent.
/// Spans go through the guard's own <see cref="TraceExporter"/>, metrics through the OpenTelemetry SDK; both carry
/// the same resource. Disposing flushes what is buffered, so a session that ends is exported whole
/// (docs/telemetry.md).
/// </summary>
internal sealed class TelemetryExport : IDisposable
{
    /// <summary>
    /// The exporter's default, 60 s, unless <c>OTEL_METRIC_EXPORT_INTERVAL</c> (milliseconds) says otherwise.
    /// </summary>
    private const int DefaultMetricIntervalMs = 60_000;

    private static TraceExporter? s_traces;

    private readonly TraceExporter _traces;
    private readonly MeterProvider _metrics;

    private TelemetryExport(TraceExporter traces, MeterProvider metrics)
    {
        _traces = traces;
        _metrics = metrics;
    }

    /// <summary>The process's span exporter while telemetry is on: where each new session's spans go.</summary>
    public static ITraceSink? Traces => Volatile.Read(ref s_traces);

    /// <summary>
    /// The OTLP endpoint in effect: the policy's, else the standard variable's; null when telemetry is off.
    /// </summary>
    public static Uri? Endpoint(TelemetrySettings settings, Func<string, string?> environment) =>
        settings.Otlp ?? (Uri.TryCreate(environment("OTEL_EXPORTER_OTLP_ENDPOINT"), UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https" ? uri : null);

    /// <summary>Starts exporting, or returns null when no endpoint is configured.</summary>
    public static TelemetryExport? Start(
        TelemetrySettings settings, Func<string, string?> environment, ILogger? logger = null)
    {
        if (Endpoint(settings, environment) is not { } endpoint)
        {
            return null;
        }

        var interval = int.TryParse(environment("OTEL_METRIC_EXPORT_INTERVAL"), out var ms) && ms > 0
            ? ms : DefaultMetricIntervalMs;
        // service.name and .version, a service.instance.id, the SDK's own, and OTEL_RESOURCE_ATTRIBUTES and
        // OTEL_SERVICE_NAME: made once, so spans and metrics name the same instance.
        var resource = ResourceBuilder.CreateDefault().AddService("mcpguard", serviceVersion: GuardTelemetry.Version);
        var traces = TraceExporter.Start(
            TraceExportOptions.FromEnvironment(Signal(endpoint, "v1/traces"), environment),
            TraceSampler.FromEnvironment(environment),
            new OtlpSpanWriter(resource.Build().Attributes, GuardTelemetry.Name, GuardTelemetry.Version),
            logger ?? NullLogger.Instance);

        // The exporter speaks gRPC unless told otherwise, and uses an endpoint set in code as given: so the protocol
        // is HTTP/protobuf and the signal's path is appended here, as the OTLP/HTTP specification says.
        var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(GuardTelemetry.Name)
            .AddOtlpExporter((o, reader) =>
            {
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = Signal(endpoint, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
            })
            .Build();
        Volatile.Write(ref s_traces, traces);
        return new TelemetryExport(traces, metrics);
    }

    public void Dispose()
    {
        Interlocked.CompareExchange(ref s_traces, null, _traces);
        _traces.Dispose();
        _metrics.Dispose();
    }

    private static Uri Signal(Uri endpoint, string signal)
    {
        var root = endpoint.AbsoluteUri.EndsWith('/') ? endpoint.AbsoluteUri : endpoint.AbsoluteUri + "/";
        return new Uri(new Uri(root), signal);
    }
}
