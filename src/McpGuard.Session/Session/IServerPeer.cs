using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// The server's side of a session: where judged client messages and the guard's own requests go. Stdio: the
/// child's stdin, a line per message. HTTP upstream: a POST per message, whose answers the transport hands back
/// to <see cref="GuardSession.HandleServerMessageAsync"/>. Disposing it ends the server's input (stdio: the child
/// sees end of file).
/// </summary>
internal interface IServerPeer : IMessageOutput
{
    /// <summary>
    /// Sends a client request the session read and judged, with what it read of it: its id, method and era. A
    /// transport whose framing depends on them (an HTTP upstream's POST and its headers) need not read the bytes
    /// again; the bytes are the message either way, and a transport that frames nothing by them just sends them.
    /// </summary>
    ValueTask SendRequestAsync(
        JsonRpcId id,
        string method,
        ProtocolEra era,
        ReadOnlySequence<byte> message,
        bool flush,
        CancellationToken cancellationToken) =>
        SendAsync(message, flush, cancellationToken);
}
