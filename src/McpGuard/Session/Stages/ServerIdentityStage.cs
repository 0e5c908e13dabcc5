using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// The server's name, read from its answer to <c>initialize</c> or <c>server/discover</c>, becomes the session's
/// (<see cref="SessionChannels.ServerName"/>): it picks the vendor risk catalogue. Session state, never the shared
/// engine's, since <c>serve</c> runs many sessions on one engine. An <c>initialize</c> answer also gets
/// <c>tools.listChanged: true</c> if it lacks it (<see cref="ToolsListChangedCapability"/>).
/// </summary>
internal sealed class ServerIdentityStage(SessionChannels channels) : IMessageStage<ServerStep>
{
    public ValueTask<StageOutcome> RunAsync(ServerStep step, CancellationToken cancellationToken)
    {
        if (step.Pending is { } pending && ServerIdentity.IsIdentifying(pending.Method)
            && ServerIdentity.Read(step.Line, pending.Method) is { } serverName)
        {
            // Tools listed before this (none, in practice) are classified again.
            channels.ServerName = serverName;
        }

        // The client is told the guard may send tools/list_changed, which it does on a reload (2025 era).
        if (step.Pending is { Method: RequestMethods.Initialize }
            && ToolsListChangedCapability.Advertised(step.Line) is { } advertised)
        {
            return StageOutcome.ToClient(advertised);
        }

        return StageOutcome.Next;
    }
}
