using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// One direction's output, as a transport provides it: the session hands it whole JSON-RPC messages, and the
/// transport frames them (a line on stdio; a response body, an SSE event or a POST over HTTP). docs/architecture.md
/// </summary>
/// <remarks>
/// Called from several tasks at once (the message handlers, held calls, the guard's own requests, approval
/// channels), so an implementation keeps each message whole and in the order its sends complete. A message may
/// contain raw newlines (JSON whitespace, as an HTTP body may): a line-framed transport must not let them split it.
/// </remarks>
internal interface IMessageOutput : IAsyncDisposable
{
    /// <summary>
    /// True once a send failed because the reader on this side is gone (a client that closed our stdout).
    /// </summary>
    bool IsBroken { get; }

    /// <summary>
    /// Sends one whole message. With <paramref name="flush"/> false the transport may keep it until
    /// <see cref="FlushAsync"/> (the end of the batch being handled), so pipelined messages share a write.
    /// Awaiting the send is the backpressure: a slow reader on this side slows whoever feeds it. The message's bytes
    /// are the caller's again once the send completed: what a transport keeps past that, it copies (a held call's line
    /// is a buffer that is reused then, <see cref="CountedCalls.CopyOf"/>).
    /// </summary>
    /// <exception cref="IOException">The reader on this side is gone.</exception>
    ValueTask SendAsync(ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken);

    /// <inheritdoc cref="SendAsync(ReadOnlySequence{byte}, bool, CancellationToken)"/>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, bool flush, CancellationToken cancellationToken) =>
        SendAsync(new ReadOnlySequence<byte>(message), flush, cancellationToken);

    /// <summary>Sends whatever earlier sends left waiting.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
