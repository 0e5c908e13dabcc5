namespace McpGuard.Approval;

/// <summary>The answer: approved, or not with a reason that says which channel said what (or why none could ask).</summary>
internal sealed record ApprovalOutcome(bool Approved, string Reason)
{
    public static ApprovalOutcome Approve(string reason) => new(true, reason);

    public static ApprovalOutcome Refuse(string reason) => new(false, reason);
}
