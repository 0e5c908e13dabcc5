using System.Reflection;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;

namespace McpGuard.Telemetry;

/// <summary>
/// The guard's instruments (docs/telemetry.md). They are the guard's own (<see cref="MetricAggregation"/> says why),
/// not <c>System.Diagnostics.Metrics</c> instruments read by the OpenTelemetry SDK. With nothing attached (telemetry
/// off) a measurement is dropped after one array-length check, so callers measure unconditionally. Spans do not go
/// through an <c>ActivitySource</c> either: <see cref="TraceExporter"/> says why.
/// </summary>
internal static class GuardTelemetry
{
    public const string Name = "McpGuard";

    /// <summary>
    /// The guard's version as <c>mcpguard --version</c> says it (<c>0.1.0+COMMIT</c>, not the assembly's
    /// <c>0.1.0.0</c>): the metrics' and the spans' scope's and <c>service.version</c>. Read when telemetry first
    /// needs it, not at every start.
    /// </summary>
    public static string? Version => InformationalVersion.Value;

    /// <summary>Histogram bucket bounds in seconds, 100 µs (a relayed call) to 10 min (a person deciding).</summary>
    private static readonly double[] s_seconds =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
            300, 600];

    /// <summary>The MCP semantic conventions' server-side duration of one client request, in seconds.</summary>
    public static readonly MetricInstrument OperationDuration = new(
        TelemetryNames.OperationDuration, "s", "Duration of one MCP request from the client, as the guard saw it.",
        s_seconds, TelemetryNames.MethodName, TelemetryNames.ErrorType);

    public static readonly MetricInstrument Decisions = new(
        TelemetryNames.Decisions, "{decision}", "tools/call decisions, by decision, rule and tool.", null,
        TelemetryNames.DecisionTag, TelemetryNames.RuleTag, TelemetryNames.ToolTag);

    public static readonly MetricInstrument Approvals = new(
        TelemetryNames.Approvals, "{approval}", "Human approvals, by outcome and channel.", null,
        TelemetryNames.OutcomeTag, TelemetryNames.ChannelTag);

    public static readonly MetricInstrument LimitRefusals = new(
        TelemetryNames.LimitRefusals, "{refusal}", "Calls refused because a rate limit or budget was reached.", null,
        TelemetryNames.EntryTag, TelemetryNames.KindTag, TelemetryNames.WindowTag);

    public static readonly MetricInstrument StoreDuration = new(
        TelemetryNames.StoreDuration, "s", "Time the counter store took to count one decision.", s_seconds,
        TelemetryNames.StoreTag, "operation", TelemetryNames.ErrorType);

    /// <summary>Every instrument, as an aggregation attaches to them.</summary>
    public static readonly IReadOnlyList<MetricInstrument> Instruments =
        [OperationDuration, Decisions, Approvals, LimitRefusals, StoreDuration];

    /// <summary><c>mcpguard.limit.used</c> and <c>.max</c>: each <see cref="LimitGauges"/>' snapshot, read when
    /// exported or scraped.</summary>
    public static readonly LimitUseSources LimitUses = new();

    /// <summary>
    /// The limits step refused a call. The limit that refused is named as its gauges name it (<c>entry</c> as written
    /// in the policy or <c>limits</c>, <c>kind</c> <c>rate_limit</c> or <c>budget</c>, <c>window</c>); a store that
    /// could not be reached is <c>entry</c> <c>state</c>, <c>kind</c> <c>store</c>, no window (docs/telemetry.md).
    /// </summary>
    public static void LimitRefused(LimitRefusal refusal) =>
        LimitRefusals.Add(1, refusal.Limit is { } limit
            ? new LabelValues(limit.Entry, CounterKinds.Word(limit.Kind), Duration.Format(limit.Window))
            : new LabelValues("state", "store", null));

    private static class InformationalVersion
    {
        public static readonly string? Value = typeof(GuardTelemetry).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
    }
}
