namespace McpGuard.Relay;

/// <summary>The state both directions share: the two outputs, the requests in flight each way, the tool catalog.</summary>
internal sealed class RelayChannels(MessageSink toClient, MessageSink toServer)
{
    public MessageSink ToClient { get; } = toClient;

    public MessageSink ToServer { get; } = toServer;

    /// <summary>Client→server requests (and the guard's own requests to the server), by id.</summary>
    public RequestTable ClientRequests { get; } = new();

    /// <summary>Server→client requests (and the guard's own requests to the client), by id.</summary>
    public RequestTable ServerRequests { get; } = new();

    public ToolCatalog Catalog { get; } = new();

    /// <summary>Set from the client's initialize: it can show form elicitation (the approval question).</summary>
    public bool ClientSupportsElicitation { get; set; }
}
