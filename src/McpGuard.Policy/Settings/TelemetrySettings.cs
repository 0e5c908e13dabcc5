namespace McpGuard.Policy.Settings;

/// <summary>The <c>telemetry:</c> block (docs/telemetry.md). Off unless configured.</summary>
internal sealed record TelemetrySettings
{
    public static readonly TelemetrySettings Off = new();

    /// <summary>
    /// OTLP over HTTP endpoint for traces and metrics; null: only <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> can set one.
    /// </summary>
    public Uri? Otlp { get; init; }

    /// <summary>
    /// <c>serve</c> only: <c>GET /metrics</c> in the Prometheus text format, behind the endpoint's auth.
    /// </summary>
    public bool Prometheus { get; init; }

    /// <summary>Whether argument values may appear on spans (<c>gen_ai.tool.call.arguments</c>).</summary>
    public TelemetryArguments Arguments { get; init; } = TelemetryArguments.None;
}
