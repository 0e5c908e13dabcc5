using McpGuard.Session;

namespace McpGuard.Http;

/// <summary>
/// How the gateway's requests hand their messages to one guarded session: through pipes to a child's relay
/// (<see cref="PipeInlet"/>), or straight into a remote session (<see cref="GatewayRelayClient"/>). Either way the
/// session takes one message at a time, in the order they were handed over.
/// </summary>
internal interface IGatewayInlet
{
    /// <summary>Completes once everything the session sent towards its client was routed.</summary>
    Task Routed { get; }

    /// <summary>Hands the session one message; false when its input has ended.</summary>
    /// <param name="validated">The message's parse when the request validated exactly these bytes (the caller's to
    /// dispose once this returns), so the session need not parse them again; null when they were changed.</param>
    ValueTask<bool> SendAsync(
        ReadOnlyMemory<byte> message, ClientMessage? validated, CancellationToken cancellationToken);

    /// <summary>Ends the session's input as a client's end of input would (docs/relay.md#shutdown).</summary>
    Task EndAsync();
}
