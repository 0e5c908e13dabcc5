using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.Extensions.Logging;

namespace McpGuard.Http.Upstream;

/// <summary>
/// <c>run --url</c>'s client: lines on the guard's stdin, read on a thread of their own with blocking reads (as
/// <c>StdioRelay</c> does), and lines on its stdout.
/// </summary>
internal sealed class StdioRelayClient(Stream input, Stream output, long maxMessageBytes, ILogger logger)
    : IRelayClient
{
    public IClientPeer Output { get; } = new LineSink(output);

    public Task FeedAsync(GuardSession session, CancellationToken cancellationToken)
    {
        var lines = new MessagePump(
            "client→server",
            session.HandleClientMessageAsync,
            session.RefuseOversizedClientMessageAsync,
            session.ClientBatchEndedAsync,
            maxMessageBytes,
            logger);
        return Task.Factory.StartNew(
            () => lines.RunAsync(input, cancellationToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();
    }
}
