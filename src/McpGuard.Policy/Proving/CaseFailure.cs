namespace McpGuard.Policy.Proving;

/// <summary>The first call of a case that was not decided as expected; the case stops there.</summary>
internal sealed record CaseFailure
{
    public required CallStep Step { get; init; }

    /// <summary>0-based position of the step in the case (0 for a one-call case).</summary>
    public required int StepIndex { get; init; }

    /// <summary>
    /// Which repetition of the step failed, 1-based (a step with <c>repeat: 10</c> may fail at call 7).
    /// </summary>
    public required int Repetition { get; init; }

    public required CaseMismatch Mismatch { get; init; }

    public required SimulatedDecision Actual { get; init; }

    /// <summary>
    /// For a <see cref="CaseMismatch.Result"/>: what the result rules did with the sample (<c>redacted by emails</c>).
    /// </summary>
    public string? ResultSeen { get; init; }
}
