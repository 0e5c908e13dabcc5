using McpGuard.Policy.Decide;

namespace McpGuard.Policy.Proving;

/// <summary>
/// What a guard running this policy would have done with one call, and which part of the policy made it so.
/// </summary>
internal sealed record SimulatedDecision
{
    public required CallVerdict Verdict { get; init; }

    /// <summary>
    /// As in <see cref="PolicyDecision.RuleId"/>: <c>tools.place_order.rules[0]</c>, <c>hide</c>, <c>limits</c>,
    /// <c>default</c>.
    /// </summary>
    public required RuleId RuleId { get; init; }

    public string? Reason { get; init; }

    /// <summary>
    /// The part of the policy that decided the call before any limit was counted (<c>tools.place_order.rules[0]</c>
    /// even when the rate limit then refused it): what <c>mcpguard test --coverage</c> counts as reached.
    /// </summary>
    public required RuleId Reached { get; init; }

    /// <summary>True when the call would have reached the server, and so was counted in the limits.</summary>
    public bool Forwarded { get; init; }
}
