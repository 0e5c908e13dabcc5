using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// The client's side of a session: where answers, the server's requests and notifications, and the guard's own
/// questions go. Stdio: the guard's stdout, a line per message. HTTP: the response of the POST that carried the
/// request, or a listening stream. Disposing it ends the client's side (stdio: closes stdout).
/// </summary>
internal interface IClientPeer : IMessageOutput
{
    /// <summary>
    /// Sends a server message the session has read, with what it read (<paramref name="header"/>): a transport that
    /// routes messages by their id need not read it again. By default, as any other message.
    /// </summary>
    ValueTask SendReadAsync(
        ServerMessageHeader header, ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken) =>
        SendAsync(message, flush, cancellationToken);
}
