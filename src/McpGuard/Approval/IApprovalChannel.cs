namespace McpGuard.Approval;

/// <summary>One way of reaching a person: the client itself (elicitation), the desk page, or a program.</summary>
internal interface IApprovalChannel
{
    string Name { get; }

    /// <summary>Whether this channel can ask right now (e.g. the client declared elicitation).</summary>
    bool IsAvailable { get; }

    /// <summary>Asks and waits for the answer; cancelled when the call is withdrawn or its time is up.</summary>
    Task<ApprovalOutcome> AskAsync(ApprovalRequest request, CancellationToken cancellationToken);
}
