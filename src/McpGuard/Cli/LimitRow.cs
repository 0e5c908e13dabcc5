using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;

namespace McpGuard.Cli;

/// <summary>
/// One line of <c>mcpguard limits</c>: a limit of the policy and one of its counters (one per <c>per</c> value
/// seen in the window; none yet: used 0). Per values came from an agent: printed only through the sanitiser.
/// </summary>
internal sealed record LimitRow
{
    /// <summary>
    /// The entry as written in the policy (<c>place_order</c>, <c>get_*</c>), or <c>limits</c> for the global rate
    /// limit.
    /// </summary>
    public required string Entry { get; init; }

    public required CounterKind Kind { get; init; }

    public required TimeSpan Window { get; init; }

    public required CounterScope Scope { get; init; }

    /// <summary>
    /// The <c>per</c> paths with this counter's values, in order; empty without <c>per</c> or before any call.
    /// </summary>
    public IReadOnlyList<(string Path, string Value)> Per { get; init; } = [];

    public IReadOnlyList<string> PerPaths { get; init; } = [];

    /// <summary>Null for a <c>scope: session</c> limit: it counts inside each running guard only.</summary>
    public StrictDecimal? Used { get; init; }

    public required StrictDecimal Max { get; init; }

    public DateTimeOffset? FreesUpAt { get; init; }
}
