using McpGuard.Policy;
using McpGuard.Telemetry;

namespace McpGuard.Cli;

/// <summary>The rows of <c>mcpguard limits</c> as the telemetry gauges show them: one per limit, its most-used counter.</summary>
internal static class LimitUses
{
    public static async Task<IReadOnlyList<LimitUse>> ReadAsync(
        PolicyEngine engine, ICounterStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var rows = await LimitReport.BuildAsync(engine.Policy, store, time.GetUtcNow(), cancellationToken);
        return
        [
            .. rows.Where(r => r.Used is not null)
                .GroupBy(r => (r.Entry, r.Kind, r.Window))
                .Select(g => new LimitUse(
                    g.Key.Entry,
                    CounterKinds.Word(g.Key.Kind),
                    Duration.Format(g.Key.Window),
                    g.Max(r => ToDouble(r.Used!.Value)),
                    ToDouble(g.First().Max))),
        ];
    }

    /// <summary>A gauge is a double: exact decimals become the nearest one (display only; limits count exactly).</summary>
    private static double ToDouble(StrictDecimal value) =>
        double.Parse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture);
}
