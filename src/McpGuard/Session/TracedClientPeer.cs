using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// The transport's client peer, seeing each answer go out so the request's spans end when the client is answered,
/// whoever answered (the server, or the guard with a denial or an error). The server's answers, which the session
/// has read, come through <see cref="SendReadAsync"/> with their id (<see cref="SessionChannels.PassToClientAsync"/>);
/// anything else sent here (the guard's own answers) is read for its id. The bytes pass through untouched.
/// </summary>
internal sealed class TracedClientPeer(IClientPeer inner, RequestSpans spans) : IClientPeer
{
    public bool IsBroken => inner.IsBroken;

    public ValueTask SendAsync(ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken)
    {
        if (spans.AnyOpen && TracedMessages.TryReadAnswer(message, out var id, out var isError, out var code))
        {
            spans.Answered(id, isError, code);
        }

        return inner.SendAsync(message, flush, cancellationToken);
    }

    /// <summary>
    /// Sends a message the session already read: the answer to the client request <paramref name="answered"/>
    /// (its spans end now, failed when <paramref name="isError"/>), or none for a message that answers no client
    /// request. Nothing is read again, the clock included when the session read it (<paramref name="answeredAt"/>).
    /// </summary>
    public ValueTask SendReadAsync(
        JsonRpcId? answered,
        bool isError,
        long? errorCode,
        long answeredAt,
        ReadOnlySequence<byte> message,
        bool flush,
        CancellationToken cancellationToken)
    {
        if (answered is { } id)
        {
            spans.Answered(id, isError, errorCode, answeredAt);
        }

        return inner.SendAsync(message, flush, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
