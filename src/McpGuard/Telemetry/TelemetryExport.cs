using McpGuard.Policy.Settings;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace McpGuard.Telemetry;

/// <summary>
/// OTLP over HTTP for the guard's spans and metrics, built only when an endpoint is configured (<c>telemetry.otlp</c>,
/// else <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): with none, no provider, exporter or listener exists and nothing is sent.
/// Disposing flushes what is buffered, so a session that ends is exported whole (docs/telemetry.md).
/// </summary>
internal sealed class TelemetryExport : IDisposable
{
    /// <summary>
    /// The exporter's default, 60 s, unless <c>OTEL_METRIC_EXPORT_INTERVAL</c> (milliseconds) says otherwise.
    /// </summary>
    private const int DefaultMetricIntervalMs = 60_000;

    private readonly TracerProvider _traces;
    private readonly MeterProvider _metrics;

    private TelemetryExport(TracerProvider traces, MeterProvider metrics)
    {
        _traces = traces;
        _metrics = metrics;
    }

    /// <summary>
    /// The OTLP endpoint in effect: the policy's, else the standard variable's; null when telemetry is off.
    /// </summary>
    public static Uri? Endpoint(TelemetrySettings settings, Func<string, string?> environment) =>
        settings.Otlp ?? (Uri.TryCreate(environment("OTEL_EXPORTER_OTLP_ENDPOINT"), UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https" ? uri : null);

    /// <summary>Starts exporting, or returns null when no endpoint is configured.</summary>
    public static TelemetryExport? Start(TelemetrySettings settings, Func<string, string?> environment)
    {
        if (Endpoint(settings, environment) is not { } endpoint)
        {
            return null;
        }

        var interval = int.TryParse(environment("OTEL_METRIC_EXPORT_INTERVAL"), out var ms) && ms > 0 ? ms : DefaultMetricIntervalMs;
        var resource = ResourceBuilder.CreateDefault().AddService("mcpguard", serviceVersion: GuardTelemetry.Source.Version);

        // The exporter speaks gRPC unless told otherwise, and uses an endpoint set in code as given: so the protocol
        // is HTTP/protobuf and each signal's path is appended here, as the OTLP/HTTP specification says.
        var traces = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(GuardTelemetry.Name)
            .AddOtlpExporter(o => Configure(o, endpoint, "v1/traces"))
            .Build();
        var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(GuardTelemetry.Name)
            .AddOtlpExporter((o, reader) =>
            {
                Configure(o, endpoint, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
            })
            .Build();
        return new TelemetryExport(traces, metrics);
    }

    public void Dispose()
    {
        _traces.Dispose();
        _metrics.Dispose();
    }

    private static void Configure(OtlpExporterOptions options, Uri endpoint, string signal)
    {
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        var root = endpoint.AbsoluteUri.EndsWith('/') ? endpoint.AbsoluteUri : endpoint.AbsoluteUri + "/";
        options.Endpoint = new Uri(new Uri(root), signal);
    }
}
