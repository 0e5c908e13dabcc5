using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// The transport's client peer, seeing each answer go out so the request's spans end when the client is answered,
/// whoever answered (the server, or the guard with a denial or an error). The bytes pass through untouched.
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

    public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
