using System.Buffers;
using System.Text;
using System.Threading.Channels;
using McpGuard.Session;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// A transport's output in memory: every message the session sends, whole, in order, as a test reads it.
/// </summary>
internal sealed class RecordingPeer : IClientPeer, IServerPeer
{
    private readonly Channel<string> _sent = Channel.CreateUnbounded<string>();

    public bool IsBroken => false;

    public bool Closed { get; private set; }

    public ValueTask SendAsync(ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken)
    {
        _sent.Writer.TryWrite(Encoding.UTF8.GetString(message));
        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Closed = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>The next message sent, waiting (bounded) for it.</summary>
    public async Task<string> NextAsync() => await _sent.Reader.ReadAsync(RelayHarness.Timeout());

    /// <summary>True when nothing was sent that the test has not read yet.</summary>
    public bool IsDrained => !_sent.Reader.TryPeek(out _);
}
