namespace McpGuard.Policy.Proving;

/// <summary>How one case ran: passed, or the first call that was not decided as expected.</summary>
internal sealed record CaseResult
{
    public required PolicyCase Case { get; init; }

    /// <summary>The decision of the last call made (the failing one, if the case failed).</summary>
    public required SimulatedDecision Last { get; init; }

    /// <summary>How many calls were made, repetitions included.</summary>
    public required int Calls { get; init; }

    public CaseFailure? Failure { get; init; }

    /// <summary>
    /// Every part of the policy a call of this case was decided by (<see cref="SimulatedDecision.Reached"/>).
    /// </summary>
    public IReadOnlySet<RuleId> Reached { get; init; } = new HashSet<RuleId>();

    public bool Passed => Failure is null;
}
