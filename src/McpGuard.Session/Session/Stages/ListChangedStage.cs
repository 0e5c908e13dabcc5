using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// The server says its tool list changed: the session's catalog is stale, so the next call to a tool it does not
/// know makes the guard list again. Forwarded as is.
/// </summary>
internal sealed class ListChangedStage(SessionChannels channels) : IMessageStage<ServerStep>
{
    public ValueTask<StageOutcome> RunAsync(ServerStep step, CancellationToken cancellationToken)
    {
        if (!step.Header.IsResponse && !step.Header.IsRequest
            && step.Header.Method == NotificationMethods.ToolListChangedNotification)
        {
            channels.Catalog.MarkStale();
        }

        return StageOutcome.Next;
    }
}
