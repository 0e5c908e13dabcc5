using McpGuard.Approval;

namespace McpGuard.Tests.Approval;

/// <summary>A channel the test answers by hand: unavailable, or a TaskCompletionSource the test completes.</summary>
internal sealed class FakeChannel(string name, bool available = true) : IApprovalChannel
{
    public string Name => name;

    public TaskCompletionSource<ApprovalOutcome> Answer { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed with the token the channel was asked with.</summary>
    public TaskCompletionSource<CancellationToken> Asked { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DateTimeOffset? Deadline { get; private set; }

    public async Task<ApprovalOutcome?> AskAsync(
        ApprovalRequest request, DateTimeOffset deadline, Action<string> unavailableBecause,
        CancellationToken cancellationToken)
    {
        Deadline = deadline;
        Asked.TrySetResult(cancellationToken);
        if (!available)
        {
            unavailableBecause($"{name} is switched off");
            return null;
        }

        // Deliberately ignores the token: the approver must not let a late answer through anyway.
        return await Answer.Task;
    }
}
