namespace McpGuard.Approval;

/// <summary>One way of reaching a person: the client itself (elicitation), the desk page, or a program.</summary>
internal interface IApprovalChannel
{
    /// <summary>The name used in <c>approval.channels</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Asks a person about <paramref name="request"/> and waits for the answer. Whether a channel can ask is
    /// only known at that moment (a desk may start after the guard, or restart), so a channel that cannot
    /// returns null, after saying why through <paramref name="unavailableBecause"/>, and the next one is tried.
    /// The token is cancelled on the overall timeout, a withdrawn call, or the guard stopping.
    /// </summary>
    Task<ApprovalOutcome?> AskAsync(
        ApprovalRequest request,
        DateTimeOffset deadline,
        Action<string> unavailableBecause,
        CancellationToken cancellationToken);
}
