using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// The transport's server peer, seeing each client request go to the server so its CLIENT span starts then (the
/// guard's own requests have no client request and get none). What the session forwards with the id in hand comes
/// through <see cref="SendReadAsync"/> (<see cref="SessionChannels.ForwardAsync"/>); anything else sent here is read
/// for a request id. The bytes pass through untouched.
/// </summary>
internal sealed class TracedServerPeer(IServerPeer inner, RequestSpans spans) : IServerPeer
{
    public bool IsBroken => inner.IsBroken;

    public ValueTask SendAsync(ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken)
    {
        if (spans.AnyAwaited && TracedMessages.TryReadRequestId(message, out var id))
        {
            spans.Forwarded(id);
        }

        return inner.SendAsync(message, flush, cancellationToken);
    }

    /// <summary>
    /// Sends a message whose id the session already read: a client request's (its CLIENT span starts now), or
    /// none for a message that is no client request. Nothing is read again.
    /// </summary>
    public ValueTask SendReadAsync(
        JsonRpcId? requestId, ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken)
    {
        if (requestId is { } id)
        {
            spans.Forwarded(id);
        }

        return inner.SendAsync(message, flush, cancellationToken);
    }

    /// <summary>
    /// A client request whose id, method and era the session read: its CLIENT span starts now, and the inner peer
    /// is handed them too (<see cref="IServerPeer.SendRequestAsync"/>).
    /// </summary>
    public ValueTask SendReadRequestAsync(
        JsonRpcId id,
        string method,
        ProtocolEra era,
        ReadOnlySequence<byte> message,
        bool flush,
        CancellationToken cancellationToken)
    {
        spans.Forwarded(id);
        return inner.SendRequestAsync(id, method, era, message, flush, cancellationToken);
    }

    /// <summary>As above, with the request's entry in hand (null: no client request): nothing is looked up.</summary>
    public ValueTask SendReadAsync(
        PendingRequest? request, ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken)
    {
        if (request is not null)
        {
            spans.Forwarded(request);
        }

        return inner.SendAsync(message, flush, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
