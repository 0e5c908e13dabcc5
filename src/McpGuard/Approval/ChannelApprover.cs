using McpGuard.Policy;
using Microsoft.Extensions.Logging;

namespace McpGuard.Approval;

/// <summary>
/// Asks through the first available channel of <c>approval.channels</c>, in order, within <c>approval.timeout</c>.
/// No channel, a refusal or the timeout all end in a refusal whose reason says which. An answer that comes
/// after the timeout is never seen: the channel's wait has been cancelled by then.
/// </summary>
internal sealed partial class ChannelApprover(
    Func<ApprovalSettings> settings,
    IReadOnlyDictionary<string, IApprovalChannel> channels,
    TimeProvider timeProvider,
    ILogger logger) : IApprover
{
    public async Task<ApprovalOutcome> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        var current = settings();
        var channel = current.Channels.Select(name => channels.GetValueOrDefault(name)).FirstOrDefault(c => c is { IsAvailable: true });
        if (channel is null)
        {
            return ApprovalOutcome.Refuse(
                $"{request.ToolName} needs approval ({request.RuleId}) but no approval channel is available " +
                $"(tried: {string.Join(", ", current.Channels)}); declare elicitation in the client, run `mcpguard desk`, " +
                "or set approval.command (see docs/approval.md).");
        }

        using var timeout = new CancellationTokenSource(current.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        LogAsking(logger, request.ToolName, channel.Name);
        try
        {
            return await channel.AskAsync(request, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ApprovalOutcome.Refuse($"nobody approved {request.ToolName} on the {channel.Name} channel within {current.Timeout.TotalSeconds:0}s (approval.timeout).");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Asking for approval of {ToolName} on the {Channel} channel.")]
    private static partial void LogAsking(ILogger logger, string toolName, string channel);
}
