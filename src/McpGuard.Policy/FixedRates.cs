using System.Collections.Immutable;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Tools;
using McpGuard.Policy.Values;

namespace McpGuard.Policy;

/// <summary>
/// A policy's rate limits whose counter is the same for every call (no <c>per</c>, not per agent), planned once
/// per policy: a call then allocates neither the limit nor its demand, and its counter's hash is computed once
/// (bench/HISTORY.md, issue 27, seventh session). Budgets are not here: their amount is the call's.
/// </summary>
internal sealed class FixedRates
{
    private readonly Dictionary<ToolEntry, PlannedLimit> _entries = new(ReferenceEqualityComparer.Instance);

    public FixedRates(CompiledPolicy policy)
    {
        var ns = policy.CounterNamespace;
        foreach (var entry in policy.Entries)
        {
            if (entry.RateLimit is { } rate && IsFixed(rate))
            {
                _entries[entry] = Plan(ns, entry.Id.Text, rate, LimitScope.Entry, entry.Pattern.Pattern, []);
            }
        }

        if (policy.GlobalRateLimit is { } global && IsFixed(global))
        {
            Global = Plan(ns, CounterId.GlobalEntry, global, LimitScope.Global, CounterId.GlobalEntry, []);
        }
    }

    /// <summary><c>limits.rate_limit</c> when it is fixed, else null.</summary>
    public PlannedLimit? Global { get; }

    public static bool IsFixed(RateLimitSpec rate) => rate.Per.Count == 0 && rate.Scope != CounterScope.Agent;

    /// <summary>The entry's rate limit when it is fixed, else null.</summary>
    public PlannedLimit? For(ToolEntry entry) => _entries.GetValueOrDefault(entry);

    /// <summary>A rate limit's counter for these <c>per</c> values (the agent already among them).</summary>
    public static PlannedLimit Plan(
        string ns, string entry, RateLimitSpec rate, LimitScope scope, string owner, ImmutableArray<string> per)
    {
        var id = new CounterId(ns, entry, CounterKind.Rate, rate.Window, per);
        var demand = new CounterDemand(id, StrictDecimal.One, new StrictDecimal(rate.Max, 0));
        return new PlannedLimit(demand, scope, rate.Scope, owner, rate, null);
    }
}
