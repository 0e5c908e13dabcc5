namespace McpGuard.Approval;

/// <summary>Used when no approval channel is configured: every approval request is refused, saying how to set one up.</summary>
internal sealed class NoApprover : IApprover
{
    public Task<ApprovalOutcome> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(ApprovalOutcome.Refuse(
            $"{request.ToolName} needs approval ({request.RuleId}) but no approval channel is available; " +
            "set approval.channels to elicitation, desk or command (see docs/approval.md)."));
}
