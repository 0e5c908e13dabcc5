using McpGuard.Policy;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.Telemetry;

namespace McpGuard.Cli;

/// <summary>
/// The rows of <c>mcpguard limits</c> as the telemetry gauges and the desk page show them: one per limit, its most-used
/// counter (and when that one frees up).
/// </summary>
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
                .Select(g => g.MaxBy(r => r.Used!.Value)!)
                .Select(most => new LimitUse(
                    most.Entry,
                    CounterKinds.Word(most.Kind),
                    Duration.Format(most.Window),
                    ToDouble(most.Used!.Value),
                    ToDouble(most.Max),
                    most.FreesUpAt)),
        ];
    }

    /// <summary>
    /// A gauge is a double: exact decimals become the nearest one (display only; limits count exactly).
    /// </summary>
    private static double ToDouble(StrictDecimal value) =>
        double.Parse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture);
}
