namespace McpGuard.Relay;

/// <summary>
/// The wires both directions of one session share: the two outputs, the requests in flight each way (named for
/// whose answer they wait on), the tool catalog, and what the client said it can do.
/// </summary>
internal sealed class RelayChannels(MessageSink toClient, MessageSink toServer)
{
    public MessageSink ToClient { get; } = toClient;

    public MessageSink ToServer { get; } = toServer;

    /// <summary>Requests sent to the server (the client's and the guard's own), waiting for the server's answer.</summary>
    public RequestTable AwaitingServer { get; } = new();

    /// <summary>Requests sent to the client (the server's and the guard's own), waiting for the client's answer.</summary>
    public RequestTable AwaitingClient { get; } = new();

    public ToolCatalog Catalog { get; } = new();

    /// <summary>Set from the client's initialize (or a modern request's <c>_meta</c>): it can show form elicitation.</summary>
    public bool ClientSupportsElicitation { get; set; }
}
