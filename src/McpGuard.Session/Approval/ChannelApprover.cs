using McpGuard.Policy.Settings;
using Microsoft.Extensions.Logging;

namespace McpGuard.Approval;

/// <summary>
/// Asks through the first channel of <c>approval.channels</c> that can ask, in order, all within one
/// <c>approval.timeout</c>. No channel, a refusal or the timeout all end in a refusal whose reason says which
/// and how to set a channel up. An answer that comes after the timeout changes nothing: the outcome is fixed by then.
/// </summary>
internal sealed partial class ChannelApprover(
    Func<ApprovalSettings> settings,
    IReadOnlyDictionary<string, IApprovalChannel> channels,
    TimeProvider timeProvider,
    ILogger logger) : IApprover
{
    public const string SetUpHint =
        "declare elicitation in the client, run `mcpguard desk`, or set approval.command (see docs/approval.md)";

    public async Task<ApprovalOutcome> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        // Read once: a policy reloaded while this call waits does not change the rules it is asked under.
        var current = settings();
        var deadline = timeProvider.GetUtcNow() + current.Timeout;
        using var timeout = new CancellationTokenSource(current.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var unavailable = new List<string>();
        foreach (var name in current.Channels)
        {
            if (!channels.TryGetValue(name, out var channel))
            {
                unavailable.Add($"{name}: not built into this version");
                continue;
            }

            ApprovalOutcome? outcome;
            try
            {
                // WaitAsync: even a channel that ignores the token cannot answer after the timeout.
                outcome = await channel
                    .AskAsync(request, deadline, why => unavailable.Add($"{channel.Name}: {why}"), linked.Token)
                    .WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                LogWithdrawn(logger, request.ToolName, channel.Name);
                throw;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                LogTimedOut(logger, request.ToolName, channel.Name);
                return ApprovalOutcome.Refuse($"nobody approved {request.ToolName} on the {channel.Name} channel "
                    + $"within {Format(current.Timeout)} (approval.timeout).")
                    with { Channel = channel.Name };
            }

            if (outcome is not null)
            {
                LogAnswered(logger, request.ToolName, channel.Name, outcome.Approved);
                return outcome with { Channel = channel.Name };
            }
        }

        LogNoChannel(logger, request.ToolName);
        var tried = unavailable.Count == 0 ? "none is configured" : string.Join("; ", unavailable);

        // The model needs only what to do next (stop, tell the user); which channels failed and how to set one up
        // (local paths, ports) is the operator's, on stderr and in the audit.
        return ApprovalOutcome.Refuse(
            $"{request.ToolName} needs a person's approval ({request.RuleId}), but no approval channel is available "
                + "to ask one; tell the user that approvals are not set up.",
            $"no approval channel is available ({tried}); {SetUpHint}.");
    }

    private static string Format(TimeSpan span) =>
        span.TotalSeconds >= 1 && span.TotalSeconds == Math.Floor(span.TotalSeconds)
            ? $"{span.TotalSeconds:0}s"
            : $"{span.TotalMilliseconds:0}ms";

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Approval for {ToolName} answered on the {Channel} channel: approved = {Approved}.")]
    private static partial void LogAnswered(ILogger logger, string toolName, string channel, bool approved);

    // Information: the denial that follows is the one warning (CallJudge).
    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Approval for {ToolName} timed out waiting on the {Channel} channel.")]
    private static partial void LogTimedOut(ILogger logger, string toolName, string channel);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Approval for {ToolName} withdrawn while waiting on the {Channel} channel.")]
    private static partial void LogWithdrawn(ILogger logger, string toolName, string channel);

    [LoggerMessage(
        Level = LogLevel.Information, Message = "Approval for {ToolName}: no approval channel is available.")]
    private static partial void LogNoChannel(ILogger logger, string toolName);
}
