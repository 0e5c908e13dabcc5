using System.IO.Pipelines;

namespace McpGuard.Http;

/// <summary>
/// An in-memory pipe between an HTTP request and a guarded session whose reader goes on on the writer's thread.
/// </summary>
/// <remarks>
/// A default <see cref="Pipe"/> queues its reader's continuation to the thread pool on every flush: between an HTTP
/// request and the session, and between the session and the upstream client, each message paid a pool hand-off
/// (a worker woken, the message handled there). Inline, the thread that wrote a message runs the session's handling
/// of it until the session waits for something else; a writer stopped by the pipe's limit goes on, likewise, on the
/// reader's thread. Order and backpressure are the pipe's as before.
/// </remarks>
internal static class InlinePipe
{
    private static readonly PipeOptions s_options = new(
        readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);

    public static Pipe Create() => new(s_options);
}
