using System.Buffers;
using McpGuard.Session;

namespace McpGuard.Http;

/// <summary>
/// A remote session's client side behind the gateway (<c>serve --url</c>): each message the guard sends towards the
/// client goes to its HTTP response as it is sent (<see cref="SessionRouter"/>), with no lines written into a pipe
/// and framed again on the other side. Every message is delivered at once, so there is nothing to flush.
/// </summary>
internal sealed class RoutedClientPeer(SessionRouter router) : IClientPeer
{
    /// <summary>
    /// Never: a client that went away loses its own answers only (the router drops them), and the session goes on.
    /// </summary>
    public bool IsBroken => false;

    public ValueTask SendAsync(ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken) =>
        router.DeliverAsync(OutboundMessage.Read(OnOneLine(message)));

    /// <summary>
    /// A server's answer is routed by the id the session read (as <see cref="OutboundMessage.Read"/> would find it,
    /// ~3,000 instructions a call, callgrind); anything else is read here.
    /// </summary>
    public ValueTask SendReadAsync(
        ServerMessageHeader header, ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken) =>
        header.IsResponse
            ? router.DeliverAsync(new OutboundMessage(OnOneLine(message), MessageKind.Response, header.Id, null))
            : SendAsync(message, flush, cancellationToken);

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The session ended: so does every stream of it.</summary>
    public ValueTask DisposeAsync()
    {
        router.End();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A copy, since the bytes belong to the caller's buffer, with line ends made spaces: a message goes out as one
    /// SSE <c>data:</c> line, and a raw CR or LF in it can only be JSON whitespace (in a string it is escaped).
    /// </summary>
    private static byte[] OnOneLine(ReadOnlySequence<byte> message)
    {
        var bytes = message.ToArray();
        var span = bytes.AsSpan();
        if (span.IndexOfAny((byte)'\n', (byte)'\r') >= 0)
        {
            span.Replace((byte)'\n', (byte)' ');
            span.Replace((byte)'\r', (byte)' ');
        }

        return bytes;
    }
}
