using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// The transport's client peer, seeing each answer go out so the request's spans end when the client is answered,
/// whoever answered (the server, or the guard with a denial or an error). Answers sent with the request's entry in
/// hand come through <see cref="SendReadAsync"/> (the server's, <see cref="SessionChannels.PassToClientAsync"/>) or
/// <see cref="SendAnswerAsync"/> (<see cref="SessionChannels.AnswerClientAsync"/>); anything else sent here is read
/// for its id only while a request that left the table waits for its answer. The bytes pass through untouched.
/// </summary>
internal sealed class TracedClientPeer(IClientPeer inner, RequestSpans spans) : IClientPeer
{
    public bool IsBroken => inner.IsBroken;

    public ValueTask SendAsync(ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken)
    {
        if (spans.AnyUnanswered && TracedMessages.TryReadAnswer(message, out var id, out var isError, out var code))
        {
            spans.Answered(id, isError, code);
        }

        return inner.SendAsync(message, flush, cancellationToken);
    }

    /// <summary>
    /// Sends a message the session already read: the answer to the client request <paramref name="answered"/>
    /// (taken out of the table; its spans end now, failed when <paramref name="isError"/>), or none for a message
    /// that answers no client request. Nothing is read again, the clock included when the session read it
    /// (<paramref name="answeredAt"/>).
    /// </summary>
    public ValueTask SendReadAsync(
        PendingRequest? answered,
        bool isError,
        long? errorCode,
        long answeredAt,
        ReadOnlySequence<byte> message,
        bool flush,
        CancellationToken cancellationToken)
    {
        if (answered is not null)
        {
            if (!isError && answered.Method == "initialize")
            {
                spans.Negotiated(answered, message);
            }

            spans.Answered(answered, isError, errorCode, answeredAt);
        }

        return inner.SendAsync(message, flush, cancellationToken);
    }

    /// <summary>
    /// Sends the guard's own answer to <paramref name="answered"/> (taken out of the table): read only for whether it
    /// failed, since the request is in hand.
    /// </summary>
    public ValueTask SendAnswerAsync(
        PendingRequest answered, ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken) =>
        SendAnswerAsync(answered, replaced: null, message, flush, cancellationToken);

    /// <summary>
    /// Sends the guard's own answer to <paramref name="answered"/> in place of the server's answer, <paramref
    /// name="replaced"/> (a result the result policy blocked or rewrote): the CLIENT span keeps the server's outcome.
    /// </summary>
    public ValueTask SendAnswerAsync(
        PendingRequest answered,
        ServerMessageHeader? replaced,
        ReadOnlySequence<byte> message,
        bool flush,
        CancellationToken cancellationToken)
    {
        if (answered.Trace is not null)
        {
            if (replaced is { } server)
            {
                RequestSpans.Replaced(answered, server.IsError, server.ErrorCode);
            }

            TracedMessages.TryReadAnswer(message, out _, out var isError, out var code);
            spans.Answered(answered, isError, code);
        }

        return inner.SendAsync(message, flush, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
