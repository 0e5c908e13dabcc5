using System.Diagnostics.CodeAnalysis;
using McpGuard.Policy.Yaml;

namespace McpGuard.Policy.Pins;

/// <summary>A lock file read: its pins, or every problem found in it (file and JSON path).</summary>
internal sealed record LockFileLoadResult
{
    public PinSet? Pins { get; init; }

    public IReadOnlyList<PolicyError> Errors { get; init; } = [];

    [MemberNotNullWhen(true, nameof(Pins))]
    public bool Succeeded => Pins is not null && Errors.Count == 0;
}
