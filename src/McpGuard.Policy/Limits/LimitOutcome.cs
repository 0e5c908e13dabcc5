namespace McpGuard.Policy.Limits;

/// <summary>The limits step for a call about to be forwarded (<see cref="PolicyEngine.TryConsumeAsync"/>).</summary>
internal abstract record LimitOutcome
{
    private LimitOutcome()
    {
    }

    /// <summary>Allow or Deny, as the gate records and answers it.</summary>
    public required PolicyDecision Decision { get; init; }

    /// <summary>
    /// Counted in every limit it needs (none, for a call without limits): forward, and keep the receipt for a
    /// give-back.
    /// </summary>
    public sealed record Counted(LimitReceipt Receipt) : LimitOutcome;

    /// <summary>Refused: answer the denial, nothing was counted.</summary>
    public sealed record Refused(LimitRefusal Refusal) : LimitOutcome;

    /// <summary>
    /// The store cannot be reached and the policy says <c>on_unavailable: allow</c>: forward, uncounted, and say so.
    /// </summary>
    public sealed record Uncounted(string Why, LimitReceipt Receipt) : LimitOutcome;
}
