using System.Globalization;

namespace McpGuard.Telemetry;

/// <summary>
/// How spans are batched and posted, with the OpenTelemetry SDKs' defaults and standard variables: the batch span
/// processor's <c>OTEL_BSP_SCHEDULE_DELAY</c> (ms, 5000), <c>OTEL_BSP_MAX_QUEUE_SIZE</c> (2048 spans, beyond which
/// spans are dropped and counted, never waited for), <c>OTEL_BSP_MAX_EXPORT_BATCH_SIZE</c> (512), and the OTLP
/// exporter's <c>OTEL_EXPORTER_OTLP_TIMEOUT</c> (ms, 10000) and <c>OTEL_EXPORTER_OTLP_HEADERS</c>
/// (<c>key=value,...</c>, values URL-encoded).
/// </summary>
internal sealed record TraceExportOptions
{
    public required Uri Endpoint { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public TimeSpan ScheduleDelay { get; init; } = TimeSpan.FromMilliseconds(5000);

    public int MaxQueueSize { get; init; } = 2048;

    public int MaxBatchSize { get; init; } = 512;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(10_000);

    /// <param name="endpoint">Where spans are posted: the OTLP base with <c>v1/traces</c> appended.</param>
    public static TraceExportOptions FromEnvironment(Uri endpoint, Func<string, string?> environment)
    {
        var queue = Positive(environment("OTEL_BSP_MAX_QUEUE_SIZE"), 2048);
        return new TraceExportOptions
        {
            Endpoint = endpoint,
            Headers = HeaderList(environment("OTEL_EXPORTER_OTLP_HEADERS")),
            ScheduleDelay = TimeSpan.FromMilliseconds(Positive(environment("OTEL_BSP_SCHEDULE_DELAY"), 5000)),
            MaxQueueSize = queue,
            MaxBatchSize = Math.Min(queue, Positive(environment("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"), 512)),
            Timeout = TimeSpan.FromMilliseconds(Positive(environment("OTEL_EXPORTER_OTLP_TIMEOUT"), 10_000)),
        };
    }

    private static int Positive(string? text, int otherwise) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value : otherwise;

    /// <summary>The W3C-baggage-like list the specification uses; a member without <c>=</c> is skipped.</summary>
    private static List<KeyValuePair<string, string>> HeaderList(string? text)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var member in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = member.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && Uri.UnescapeDataString(member[..equals].Trim()) is { Length: > 0 } name)
            {
                headers.Add(new(name, Uri.UnescapeDataString(member[(equals + 1)..].Trim())));
            }
        }

        return headers;
    }
}
