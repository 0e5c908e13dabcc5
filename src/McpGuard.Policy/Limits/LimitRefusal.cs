namespace McpGuard.Policy.Limits;

/// <summary>
/// Why the limits step refused a call: which part of the policy, in words, and when it may fit again (null: not a
/// matter of time); <paramref name="Detail"/> is the operator's part (<see cref="PolicyDecision.Detail"/>).
/// </summary>
internal sealed record LimitRefusal(LimitScope Scope, string Reason, TimeSpan? RetryAfter, string? Detail = null)
{
    /// <summary>The limit that refused (its count, or the arguments it needs); null when the store did.</summary>
    public LimitName? Limit { get; init; }
}
