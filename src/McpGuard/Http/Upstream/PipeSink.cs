using System.Buffers;
using System.IO.Pipelines;

namespace McpGuard.Http.Upstream;

/// <summary>
/// Hands the upstream's messages to a session that reads its server as lines (the stdio session of today): each
/// message becomes one line of an in-memory pipe the session's server pump reads, as a child's stdout would be.
/// Several answers deliver at once, so writes take turns; the pipe's own limit slows the upstream's readers down
/// when the session is behind.
/// </summary>
internal sealed class PipeSink(PipeWriter writer) : IUpstreamSink, IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private bool _completed;

    public async ValueTask DeliverAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (_completed)
            {
                return;
            }

            writer.Write(message.Span);
            writer.Write("\n"u8);
            await writer.FlushAsync(cancellationToken);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>No more messages: the session's server pump reads to the end and stops.</summary>
    public async ValueTask CompleteAsync()
    {
        await _turn.WaitAsync(CancellationToken.None);
        try
        {
            _completed = true;
            await writer.CompleteAsync();
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();
}
