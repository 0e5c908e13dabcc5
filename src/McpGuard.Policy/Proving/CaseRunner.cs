using McpGuard.Policy.Decide;

namespace McpGuard.Policy.Proving;

/// <summary>
/// Runs cases against a policy: pure (policy + cases → results), no server, no real clock, no real counters.
/// Each case starts at the same instant with fresh counters, so cases never affect each other.
/// </summary>
internal static class CaseRunner
{
    /// <summary>Where every case's clock starts; only the distances between steps matter to the windows.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <param name="serverName">The name a server would report for itself (it picks the vendor risk catalogue).</param>
    public static IReadOnlyList<CaseResult> Run(
        CompiledPolicy policy, IEnumerable<PolicyCase> cases, string? serverName = null) =>
        [.. cases.Select(c => Run(policy, c, serverName))];

    public static CaseResult Run(CompiledPolicy policy, PolicyCase policyCase, string? serverName = null)
    {
        var guard = new GuardSimulator(policy, Start, serverName);
        SimulatedDecision? last = null;
        var calls = 0;
        var reached = new HashSet<RuleId>();
        for (var index = 0; index < policyCase.Steps.Count; index++)
        {
            if (policyCase.Steps[index] is WaitStep wait)
            {
                guard.Advance(wait.Duration);
                continue;
            }

            var step = (CallStep)policyCase.Steps[index];
            var request = new ToolRequest { ToolName = step.Tool, Arguments = step.Arguments };
            for (var repetition = 1; repetition <= step.Repeat; repetition++)
            {
                // Unless the step says a person approves, a call that needs approval is neither forwarded nor counted.
                last = guard.Decide(request, step.Approve);
                calls++;
                reached.Add(last.Reached);
                if (Mismatch(policy, step, last) is { } mismatch)
                {
                    return new CaseResult
                    {
                        Case = policyCase,
                        Last = last,
                        Calls = calls,
                        Reached = reached,
                        Failure = new CaseFailure
                        {
                            Step = step, StepIndex = index, Repetition = repetition, Mismatch = mismatch, Actual = last,
                            ResultSeen = step.ExpectResult?.Mismatch(policy.ResultRulesFor(step.Tool)),
                        },
                    };
                }
            }
        }

        return new CaseResult { Case = policyCase, Last = last!, Calls = calls, Reached = reached };
    }

    private static CaseMismatch? Mismatch(CompiledPolicy policy, CallStep step, SimulatedDecision actual)
    {
        if (DecisionWords.Proven(actual.Verdict) != DecisionWords.Proven(step.Expect))
        {
            return CaseMismatch.Verdict;
        }

        if (step.Reason is { } expected && !(actual.Reason ?? "").Contains(expected, StringComparison.Ordinal))
        {
            return CaseMismatch.Reason;
        }

        return step.ExpectResult?.Mismatch(policy.ResultRulesFor(step.Tool)) is null ? null : CaseMismatch.Result;
    }
}
