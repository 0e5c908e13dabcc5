using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>Where the upstream's checked messages go: the session, which judges them exactly like a child's.</summary>
internal interface IUpstreamSink
{
    /// <summary>
    /// Hands one message to the session. Calls may come from several answers at once; the sink orders them.
    /// </summary>
    /// <param name="header">What the message's check read of it (<see cref="InboundMessage.Header"/>), so the session
    /// need not read it again; null: the session reads it.</param>
    ValueTask DeliverAsync(
        ReadOnlyMemory<byte> message, ServerMessageHeader? header, CancellationToken cancellationToken);

    /// <summary>
    /// Hands the session the guard's own <paramref name="error"/> for request <paramref name="id"/>, which the upstream
    /// did not answer for the reason <paramref name="failure"/> (a sink that needs the reason keeps it).
    /// </summary>
    ValueTask FailedAsync(
        JsonRpcId id, ExchangeFailure failure, ReadOnlyMemory<byte> error, CancellationToken cancellationToken) =>
        DeliverAsync(error, null, cancellationToken);
}
