using McpGuard.Policy.Risk;

namespace McpGuard.Policy;

/// <summary>What the policy says about one call. Denial is a value, never an exception.</summary>
internal sealed record PolicyDecision
{
    public required Verdict Verdict { get; init; }

    /// <summary>Why, in words a model or a person can read; set for every denial and approval request.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// What the guard's operator needs beyond <see cref="Reason"/>: local paths, setup hints, a store's diagnostic.
    /// It goes to stderr and the audit, never to the client: the model reads only the short reason.
    /// </summary>
    public string? Detail { get; init; }

    /// <summary>Which part of the policy decided, e.g. <c>tools.place_order.rules[0]</c>, <c>default</c>.</summary>
    public required RuleId RuleId { get; init; }

    public RiskClass Risk { get; init; }

    public bool IsAllowed => Verdict == Verdict.Allow;
}
