using System.Diagnostics.CodeAnalysis;
using McpGuard.Policy.Yaml;

namespace McpGuard.Policy.Compile;

internal sealed record PolicyLoadResult
{
    public CompiledPolicy? Policy { get; init; }

    public IReadOnlyList<PolicyError> Errors { get; init; } = [];

    [MemberNotNullWhen(true, nameof(Policy))]
    public bool Succeeded => Policy is not null && Errors.Count == 0;
}
