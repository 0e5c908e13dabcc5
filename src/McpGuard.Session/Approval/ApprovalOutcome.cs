namespace McpGuard.Approval;

/// <summary>
/// The answer: approved, or not with a reason that says which channel said what (or why none could ask); or, for a
/// 2026-07-28 call, <see cref="InBand"/>: the client is to be asked with the guard's own input_required answer.
/// </summary>
internal sealed record ApprovalOutcome(bool Approved, string Reason)
{
    /// <summary>
    /// The elicitation channel's answer to a modern call whose client can show a form: not an answer yet, but the
    /// question itself, which the gate sends as the call's answer (docs/approval.md#the-2026-07-28-era).
    /// </summary>
    public static ApprovalOutcome InBand { get; } =
        new(false, "asked in the client (input_required).") { AsksInBand = true };

    public bool AsksInBand { get; private init; }

    /// <summary>
    /// The channel that answered or timed out (elicitation, desk, command); null when none could ask.
    /// </summary>
    public string? Channel { get; init; }

    /// <summary>
    /// The operator's part of the answer (the channels tried, how to set one up, a local program's path): stderr and
    /// the audit only. <see cref="Reason"/> is what the model reads, so it stays short and names nothing local.
    /// </summary>
    public string? Detail { get; init; }

    public static ApprovalOutcome Approve(string reason) => new(true, reason);

    public static ApprovalOutcome Refuse(string reason, string? detail = null) =>
        new(false, reason) { Detail = detail };
}
