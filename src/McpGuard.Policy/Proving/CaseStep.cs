namespace McpGuard.Policy.Proving;

/// <summary>
/// One step of a case: a call (<see cref="CallStep"/>) or a pause of the case's clock (<see cref="WaitStep"/>).
/// </summary>
internal abstract record CaseStep
{
    /// <summary>Where the step is written (1-based), so a failure points at it.</summary>
    public required int Line { get; init; }
}
