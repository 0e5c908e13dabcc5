using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The client's side of a <see cref="RemoteRelay"/>: a stdio client (<c>run --url</c>, <see cref="StdioRelayClient"/>)
/// or the gateway's requests (<c>serve --url</c>, <see cref="GatewayRelayClient"/>).
/// </summary>
internal interface IRelayClient
{
    /// <summary>Where the session sends what goes to the client.</summary>
    IClientPeer Output { get; }

    /// <summary>
    /// Hands <paramref name="session"/> the client's messages, one at a time; completes when the client's input
    /// ended (the relay then winds the session down).
    /// </summary>
    /// <param name="cancellationToken">The relay's: fires when it stops.</param>
    Task FeedAsync(GuardSession session, CancellationToken cancellationToken);
}
