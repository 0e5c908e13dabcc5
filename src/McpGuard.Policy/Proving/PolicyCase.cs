namespace McpGuard.Policy.Proving;

/// <summary>One named case of a cases file: its steps run in order on one clock, with counters of its own.</summary>
internal sealed record PolicyCase
{
    public required string Name { get; init; }

    public required string File { get; init; }

    public required int Line { get; init; }

    public required IReadOnlyList<CaseStep> Steps { get; init; }
}
