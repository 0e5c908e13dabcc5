using McpGuard.Policy.Yaml;

namespace McpGuard.Policy.Proving;

/// <summary>The cases of one file, or every problem found in it (with file, line, column and YAML path).</summary>
internal sealed record CasesLoadResult
{
    public IReadOnlyList<PolicyCase> Cases { get; init; } = [];

    public IReadOnlyList<PolicyError> Errors { get; init; } = [];

    public bool Succeeded => Errors.Count == 0;
}
