using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using McpGuard.Session;

namespace McpGuard.Http;

/// <summary>
/// A child's relay driven through in-memory pipes: a message from HTTP goes in as one line (the bytes that were
/// judged are what the child gets), and the guard's output lines come out through the <see cref="SessionRouter"/>.
/// </summary>
[SuppressMessage(
    "Design", "CA1001", Justification = "The semaphore's wait handle is never created: nothing to release.")]
internal sealed class PipeInlet : IGatewayInlet
{
    private static readonly byte[] s_newline = "\n"u8.ToArray();

    private readonly Pipe _input = InlinePipe.Create();
    private readonly Pipe _output = InlinePipe.Create();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _inputEnded;

    public PipeInlet(SessionRouter router, long maxLineBytes)
    {
        Routed = router.RunAsync(_output.Reader, maxLineBytes);
    }

    /// <summary>What the child's relay reads as its client's input.</summary>
    public Stream ClientInput => _input.Reader.AsStream();

    /// <summary>Where the child's relay writes what goes to its client.</summary>
    public Stream ClientOutput => _output.Writer.AsStream();

    public Task Routed { get; }

    /// <summary>The line is parsed again on the other side of the pipe: <paramref name="validated"/> is not
    /// used.</summary>
    public async ValueTask<bool> SendAsync(
        ReadOnlyMemory<byte> message, ClientMessage? validated, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (_inputEnded)
            {
                return false;
            }

            _input.Writer.Write(message.Span);
            _input.Writer.Write(s_newline);
            await _input.Writer.FlushAsync(cancellationToken);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task EndAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (!_inputEnded)
            {
                _inputEnded = true;
                await _input.Writer.CompleteAsync();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
