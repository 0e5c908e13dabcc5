namespace McpGuard.Session;

/// <summary>
/// The server's name, read from its answer to <c>initialize</c> or <c>server/discover</c>, becomes the session's
/// (<see cref="SessionChannels.ServerName"/>): it picks the vendor risk catalogue. Session state, never the shared
/// engine's, since <c>serve</c> runs many sessions on one engine.
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

        return StageOutcome.Next;
    }
}
