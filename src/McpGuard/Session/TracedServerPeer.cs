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
        if (ServerMessageHeader.TryRead(message, out var header) && header.IsRequest)
        {
            spans.Forwarded(header.Id!.Value);
        }

        return inner.SendAsync(message, flush, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
