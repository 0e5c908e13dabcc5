namespace McpGuard.Approval;

/// <summary>Asks a person whether a call that needs approval may go ahead. Never blocks the relay.</summary>
internal interface IApprover
{
    Task<ApprovalOutcome> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken);
}
