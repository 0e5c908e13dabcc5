using McpGuard.Policy.Risk;

namespace McpGuard.Policy.Proving;

/// <summary>
/// Which parts of a policy no case reaches (<c>mcpguard test --coverage</c>, docs/testing.md): a tools entry no
/// call was decided by, a rule of a reached entry that never held, an entry's own action when its rules are there
/// and some always held first, and a risk class decision no call fell through to. An unreached entry is named
/// once, not rule by rule: writing one case for it is the first step either way.
/// </summary>
internal static class PolicyCoverage
{
    public static IReadOnlyList<UncoveredPart> Unreached(CompiledPolicy policy, IEnumerable<CaseResult> results)
    {
        var reached = results.SelectMany(r => r.Reached).ToHashSet();
        var gaps = new List<UncoveredPart>();
        foreach (var entry in policy.Entries)
        {
            if (!reached.Contains(entry.Id) && !reached.Any(id => id.IsRuleOf(entry.Id)))
            {
                gaps.Add(new UncoveredPart(entry.Id, CoverageGap.Entry));
                continue;
            }

            for (var position = 0; position < entry.Rules.Count; position++)
            {
                if (!reached.Contains(entry.RuleIdAt(position)))
                {
                    gaps.Add(new UncoveredPart(entry.RuleIdAt(position), CoverageGap.Rule));
                }
            }

            if (entry.Rules.Count > 0 && entry.Action is not null && !reached.Contains(entry.Id))
            {
                gaps.Add(new UncoveredPart(entry.Id, CoverageGap.EntryAction));
            }
        }

        foreach (var risk in policy.RiskVerdicts.Keys.Order())
        {
            if (!reached.Contains(RuleId.Risk(risk)))
            {
                gaps.Add(new UncoveredPart(RuleId.Risk(risk), CoverageGap.RiskClass));
            }
        }

        return gaps;
    }
}
