using McpGuard.Policy.Json;
using McpGuard.Policy.Values;

namespace McpGuard.Policy.Limits;

/// <summary>
/// At most <see cref="Max"/> calls forwarded in any sliding <see cref="Window"/>, one counter per value of the <see
/// cref="Per"/> arguments.
/// </summary>
internal sealed record RateLimitSpec(int Max, TimeSpan Window)
{
    /// <summary><c>per:</c> argument paths (none: one counter for the entry).</summary>
    public IReadOnlyList<ArgumentPath> Per { get; init; } = [];

    public CounterScope Scope { get; init; } = CounterScope.Shared;

    public override string ToString() => $"{Max} per {Duration.Format(Window)}";
}
