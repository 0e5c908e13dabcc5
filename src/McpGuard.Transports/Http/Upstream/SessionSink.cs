using System.Buffers;
using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// Hands the upstream's checked messages straight to the session's server direction, judged exactly like a child's
/// line (docs/remote.md). Several answers deliver at once and the session takes one message at a time, so deliveries
/// take turns; a delivery returns once the session handled its message, which slows the upstream's readers down when
/// the session is behind.
/// </summary>
internal sealed class SessionSink(CancellationToken relayStopping) : IUpstreamSink, IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private GuardSession? _session;
    private bool _completed;

    /// <summary>The session that takes the messages; set once, before the first request goes out.</summary>
    public void Attach(GuardSession session) => _session = session;

    public async ValueTask DeliverAsync(
        ReadOnlyMemory<byte> message, ServerMessageHeader? header, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            if (_completed || _session is not { } session)
            {
                return;
            }

            // The session's own token, not the request's: a message taken is handled whole.
            var line = new ReadOnlySequence<byte>(message);
            await (header is { } read
                ? session.HandleServerMessageAsync(read, line, relayStopping)
                : session.HandleServerMessageAsync(line, relayStopping));
            await session.ServerBatchEndedAsync(relayStopping);
        }
        catch (IOException)
        {
            // The client is gone; the session noticed (ClientGone) and the relay ends.
        }
        catch (OperationCanceledException) when (relayStopping.IsCancellationRequested)
        {
            // The relay stopped while the session handled it: nobody is left to tell.
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>No more messages: what arrives after is dropped (the session is ending).</summary>
    public async Task CompleteAsync()
    {
        await _turn.WaitAsync(CancellationToken.None);
        _completed = true;
        _turn.Release();
    }

    public void Dispose() => _turn.Dispose();
}
