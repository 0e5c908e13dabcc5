using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// The transport's server peer, seeing each client request go to the server so its CLIENT span starts then (the
/// guard's own requests have no client request and get none). The bytes pass through untouched.
/// </summary>
internal sealed class TracedServerPeer(IServerPeer inner, RequestSpans spans) : IServerPeer
{
    public bool IsBroken => inner.IsBroken;

    public ValueTask SendAsync(ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken)
    {
        if (spans.AnyOpen && TracedMessages.TryReadRequestId(message, out var id))
        {
            spans.Forwarded(id);
        }

        return inner.SendAsync(message, flush, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
