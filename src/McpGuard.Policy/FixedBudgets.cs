using McpGuard.Policy.Limits;
using McpGuard.Policy.Tools;

namespace McpGuard.Policy;

/// <summary>
/// The counters of a policy's budgets that are the same for every call (no <c>per</c>, not per agent), made once per
/// policy: a call then only builds its demand (its amount is its own), not the counter's identity and its hash
/// (bench/HISTORY.md, issue 27, tenth session). The budget's twin of <see cref="FixedRates"/>.
/// </summary>
internal sealed class FixedBudgets
{
    private readonly Dictionary<ToolEntry, CounterId> _counters = new(ReferenceEqualityComparer.Instance);

    public FixedBudgets(CompiledPolicy policy)
    {
        foreach (var entry in policy.Entries)
        {
            if (entry.Budget is { } budget && IsFixed(budget))
            {
                _counters[entry] = new CounterId(
                    policy.CounterNamespace, entry.Id.Text, CounterKind.Budget, budget.Window, []);
            }
        }
    }

    public static bool IsFixed(BudgetSpec budget) => budget.Per.Count == 0 && budget.Scope != CounterScope.Agent;

    /// <summary>The entry's budget counter when it is fixed.</summary>
    public bool TryGet(ToolEntry entry, out CounterId counter) => _counters.TryGetValue(entry, out counter);
}
