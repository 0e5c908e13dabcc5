using System.Globalization;

namespace McpGuard.Telemetry;

/// <summary>
/// How spans are batched and posted, by the OpenTelemetry SDKs' standard variables: the batch span processor's
/// <c>OTEL_BSP_SCHEDULE_DELAY</c> (ms, 5000), <c>OTEL_BSP_MAX_QUEUE_SIZE</c> (spans; beyond, they are dropped and
/// counted, never waited for), <c>OTEL_BSP_MAX_EXPORT_BATCH_SIZE</c>, and the OTLP exporter's
/// <c>OTEL_EXPORTER_OTLP_TIMEOUT</c> (ms, 10000) and <c>OTEL_EXPORTER_OTLP_HEADERS</c> (<c>key=value,...</c>,
/// URL-encoded). The queue and batch defaults are four times the SDKs' (2048 and 512): a guard relaying 50,000 calls
/// a second makes 100,000 spans a second, and each post costs the export thread a wake-up and two context switches,
/// so fewer, larger posts cost less per span (docs/telemetry.md).
/// </summary>
internal sealed record TraceExportOptions
{
    public const int DefaultMaxQueueSize = 8192;
    public const int DefaultMaxBatchSize = 2048;

    public required Uri Endpoint { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public TimeSpan ScheduleDelay { get; init; } = TimeSpan.FromMilliseconds(5000);

    public int MaxQueueSize { get; init; } = DefaultMaxQueueSize;

    public int MaxBatchSize { get; init; } = DefaultMaxBatchSize;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(10_000);

    /// <param name="endpoint">Where spans are posted: the OTLP base with <c>v1/traces</c> appended.</param>
    public static TraceExportOptions FromEnvironment(Uri endpoint, Func<string, string?> environment)
    {
        var queue = Positive(environment("OTEL_BSP_MAX_QUEUE_SIZE"), DefaultMaxQueueSize);
        return new TraceExportOptions
        {
            Endpoint = endpoint,
            Headers = HeaderList(environment("OTEL_EXPORTER_OTLP_HEADERS")),
            ScheduleDelay = TimeSpan.FromMilliseconds(Positive(environment("OTEL_BSP_SCHEDULE_DELAY"), 5000)),
            MaxQueueSize = queue,
            MaxBatchSize = Math.Min(
                queue, Positive(environment("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"), DefaultMaxBatchSize)),
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
