using McpGuard.Policy.Json;
using McpGuard.Policy.Values;

namespace McpGuard.Policy.Limits;

/// <summary>
/// The sum of a numeric argument over the calls forwarded in a sliding window stays within <see cref="Max"/>, one sum
/// per value of the <see cref="Per"/> arguments.
/// </summary>
internal sealed record BudgetSpec(ArgumentPath Argument, StrictDecimal Max, TimeSpan Window)
{
    /// <summary><c>per:</c> argument paths (none: one sum for the entry).</summary>
    public IReadOnlyList<ArgumentPath> Per { get; init; } = [];

    public CounterScope Scope { get; init; } = CounterScope.Shared;

    public override string ToString() => $"sum of {Argument} <= {Max} per {Duration.Format(Window)}";
}
