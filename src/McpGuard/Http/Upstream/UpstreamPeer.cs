using System.Buffers;
using System.Threading.Channels;
using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The session's server side when the server is remote: each judged message goes, as the bytes that were judged, to
/// the <see cref="UpstreamClient"/>, in the order the session sent them (docs/remote.md). No line framing and no
/// in-memory pipe between them: a queue keeps the order and lets the session go on while a notification's POST is
/// out, and when nothing is queued, the message is handed on at once on the session's own thread.
/// </summary>
internal sealed class UpstreamPeer : IServerPeer
{
    /// <summary>As many judged messages as may wait for the upstream before the session waits too.</summary>
    private const int MaxWaiting = 1024;

    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(MaxWaiting)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
        AllowSynchronousContinuations = true,
    });

    public bool IsBroken => false;

    /// <summary>Sends every queued message until the session closes its server side or the relay stops.</summary>
    public async Task SendAllAsync(UpstreamClient client, CancellationToken cancellationToken)
    {
        await foreach (var message in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            await client.SendAsync(message, cancellationToken);
        }
    }

    /// <exception cref="IOException">The session already closed its server side.</exception>
    public async ValueTask SendAsync(ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken)
    {
        // A copy: the bytes belong to the caller's buffer, and the upstream request outlives this call.
        var bytes = message.ToArray();
        try
        {
            await _queue.Writer.WriteAsync(bytes, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new IOException("The upstream side of the session is closed.");
        }
    }

    /// <summary>Every message goes out as it is sent: there is nothing to flush.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The session sends nothing more; what it queued still goes out.</summary>
    public ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
