using McpGuard.Policy;
using McpGuard.Policy.Json;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;

namespace McpGuard.Cli;

/// <summary>Every limit of a policy with what its store has counted (docs/limits.md#mcpguard-limits).</summary>
internal static class LimitReport
{
    /// <summary>
    /// Each limit in policy order (entries, then the global limit), one row per live counter or one empty row.
    /// </summary>
    public static async Task<IReadOnlyList<LimitRow>> BuildAsync(
        CompiledPolicy policy, ICounterStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var readings = await store.ReadAsync(policy.CounterNamespace, now, cancellationToken);
        var rows = new List<LimitRow>();
        foreach (var entry in policy.Entries)
        {
            if (entry.RateLimit is { } rate)
            {
                Add(rows, readings, entry.Pattern.Pattern, entry.Id, CounterKind.Rate, rate.Window, rate.Scope,
                    rate.Per, new StrictDecimal(rate.Max, 0));
            }

            if (entry.Budget is { } budget)
            {
                Add(rows, readings, entry.Pattern.Pattern, entry.Id, CounterKind.Budget, budget.Window, budget.Scope,
                    budget.Per, budget.Max);
            }
        }

        if (policy.GlobalRateLimit is { } global)
        {
            Add(rows, readings, CounterId.GlobalEntry, CounterId.GlobalEntry, CounterKind.Rate, global.Window,
                global.Scope, global.Per, new StrictDecimal(global.Max, 0));
        }

        return rows;
    }

    /// <summary>
    /// The counter entry (<c>tools.place_order</c>, <c>limits</c>) a <c>--reset</c> argument names, as written in the
    /// policy or as a rule id.
    /// </summary>
    public static string? FindEntry(CompiledPolicy policy, string written)
    {
        if (written is CounterId.GlobalEntry or "limits.rate_limit")
        {
            return policy.GlobalRateLimit is not null ? CounterId.GlobalEntry : null;
        }

        return policy.Entries.FirstOrDefault(e => (e.RateLimit is not null || e.Budget is not null)
            && (e.Pattern.Pattern == written || e.Id == written)) is { } found ? found.Id : null;
    }

    private static void Add(
        List<LimitRow> rows,
        IReadOnlyList<CounterReading> readings,
        string entry,
        string id,
        CounterKind kind,
        TimeSpan window,
        CounterScope scope,
        IReadOnlyList<ArgumentPath> per,
        StrictDecimal max)
    {
        // scope: agent counts per agent too: its counters carry the agent after the per values (LimitPlan).
        var paths = per.Select(p => p.Text).Concat(scope == CounterScope.Agent ? ["agent"] : []).ToList();
        var row = new LimitRow
        {
            Entry = entry,
            Kind = kind,
            Window = window,
            Scope = scope,
            PerPaths = paths,
            Max = max,
            Used = scope == CounterScope.Session ? null : StrictDecimal.Zero,
        };
        if (scope == CounterScope.Session)
        {
            rows.Add(row);
            return;
        }

        var counters = readings
            .Where(r => r.Counter.Entry == id && r.Counter.Kind == kind && r.Counter.Window == window
                && r.Counter.Per.Length == paths.Count)
            .OrderBy(r => string.Join("\u0000", r.Counter.Per), StringComparer.Ordinal)
            .ToList();
        if (counters.Count == 0)
        {
            rows.Add(row);
            return;
        }

        // A counter at 0 in its window (a budget call of qty 0, a count given back) has nothing to free: no time.
        rows.AddRange(counters.Select(r => row with
        {
            Per = [.. paths.Zip(r.Counter.Per)],
            Used = r.Used,
            FreesUpAt = r.Used == StrictDecimal.Zero ? null : r.FreesUpAt,
        }));
    }
}
