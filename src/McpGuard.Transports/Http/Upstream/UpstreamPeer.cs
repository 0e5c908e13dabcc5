using System.Buffers;
using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The session's server side when the server is remote: each judged message goes, as the bytes that were judged, to
/// the <see cref="UpstreamClient"/>, in the order the session sent them (docs/remote.md). No line framing and no
/// in-memory pipe between them. When no send is under way, a message is handed on at once on the session's own
/// thread; while one is (a notification's POST not yet answered), later messages wait in a queue behind it, so the
/// session goes on and the order holds, and the queue is sent from where that send completes.
/// </summary>
/// <remarks>
/// A bounded channel stood here, its reader a loop: ~3,000 instructions of a `serve --url` call (callgrind) for a
/// queue that is empty nearly always.
/// </remarks>
/// <param name="send">Sends one message, with what the session read of it when it said (a 2025-era request's id
/// and method; null: the client reads the bytes); completes once a request is under way, or a notification or
/// response was taken (<see cref="UpstreamClient.SendAsync(ReadOnlyMemory{byte}, OutboundMessage?,
/// CancellationToken)"/>).</param>
internal sealed class UpstreamPeer(
    Func<ReadOnlyMemory<byte>, OutboundMessage?, CancellationToken, Task> send, CancellationToken stopping)
    : IServerPeer
{
    /// <summary>A peer whose sender reads every message itself.</summary>
    public UpstreamPeer(Func<ReadOnlyMemory<byte>, CancellationToken, Task> send, CancellationToken stopping)
        : this((message, _, cancellationToken) => send(message, cancellationToken), stopping)
    {
    }

    /// <summary>As many judged messages as may wait for the upstream before the session waits too.</summary>
    internal const int MaxWaiting = 1024;

    private readonly Lock _gate = new();
    private readonly Queue<(byte[] Bytes, OutboundMessage? Read)> _waiting = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _room;

    /// <summary>A send is under way; every queued message waits behind it (an empty queue otherwise).</summary>
    private bool _sending;
    private bool _closed;

    public bool IsBroken => false;

    /// <summary>
    /// Completes once the session closed its server side and everything it sent went out; faults or is cancelled
    /// when a send failed (nothing after it is sent).
    /// </summary>
    public Task Completion => _ended.Task;

    /// <exception cref="IOException">The session already closed its server side, or a send failed.</exception>
    public ValueTask SendAsync(ReadOnlySequence<byte> message, bool flush, CancellationToken cancellationToken) =>
        Enqueue(message, null, cancellationToken);

    /// <summary>
    /// A 2025-era request goes with its id and method as the session read them: all its POST needs (a 2025 POST
    /// carries no header from its body), so the client does not read it again (3,300 instructions of a `serve
    /// --url` call, callgrind). A 2026-07-28 request's headers come from more of its body: the client reads it.
    /// </summary>
    public ValueTask SendRequestAsync(
        JsonRpcId id,
        string method,
        ProtocolEra era,
        ReadOnlySequence<byte> message,
        bool flush,
        CancellationToken cancellationToken) =>
        Enqueue(
            message,
            era == ProtocolEra.Legacy ? new OutboundMessage(OutboundKind.Request, id, method, null, null) : null,
            cancellationToken);

    private ValueTask Enqueue(
        ReadOnlySequence<byte> message, OutboundMessage? read, CancellationToken cancellationToken)
    {
        // A copy: the bytes belong to the caller's buffer, and the upstream request outlives this call.
        var queued = (message.ToArray(), read);
        lock (_gate)
        {
            ThrowIfClosed();
            if (_sending)
            {
                if (_waiting.Count >= MaxWaiting)
                {
                    return WaitForRoomAsync(queued, cancellationToken);
                }

                _waiting.Enqueue(queued);
                return ValueTask.CompletedTask;
            }

            _sending = true;
        }

        Start(queued);
        return ValueTask.CompletedTask;
    }

    /// <summary>Every message goes out as it is sent: there is nothing to flush.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The session sends nothing more; what it queued still goes out.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closed = true;
            if (!_sending)
            {
                _ended.TrySetResult();
            }
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask WaitForRoomAsync(
        (byte[] Bytes, OutboundMessage? Read) queued, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task room;
            lock (_gate)
            {
                ThrowIfClosed();
                if (!_sending)
                {
                    _sending = true;
                    break;
                }

                if (_waiting.Count < MaxWaiting)
                {
                    _waiting.Enqueue(queued);
                    return;
                }

                room = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await room.WaitAsync(cancellationToken);
        }

        Start(queued);
    }

    /// <summary>Sends <paramref name="queued"/> as the one sender; then what queued meanwhile, in order.</summary>
    private void Start((byte[] Bytes, OutboundMessage? Read) queued)
    {
        var sent = Send(queued);
        if (sent.IsCompletedSuccessfully)
        {
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    Stop();
                    return;
                }
            }
        }

        _ = DrainAsync(sent);
    }

    private async Task DrainAsync(Task sent)
    {
        try
        {
            while (true)
            {
                await sent;
                (byte[] Bytes, OutboundMessage? Read) next;
                TaskCompletionSource? room;
                lock (_gate)
                {
                    if (!_waiting.TryDequeue(out next))
                    {
                        Stop();
                        return;
                    }

                    (room, _room) = (_room, null);
                }

                room?.TrySetResult();
                sent = Send(next);
            }
        }
        catch (Exception ex)
        {
            TaskCompletionSource? room;
            lock (_gate)
            {
                (_closed, _sending) = (true, false);
                _waiting.Clear();
                (room, _room) = (_room, null);
            }

            room?.TrySetResult();
            if (ex is OperationCanceledException cancelled)
            {
                _ended.TrySetCanceled(cancelled.CancellationToken);
            }
            else
            {
                _ended.TrySetException(ex);
            }
        }
    }

    private Task Send((byte[] Bytes, OutboundMessage? Read) message)
    {
        try
        {
            return send(message.Bytes, message.Read, stopping);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    /// <summary>Under the lock, with nothing queued: no send is under way any more.</summary>
    private void Stop()
    {
        _sending = false;
        if (_closed)
        {
            _ended.TrySetResult();
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new IOException("The upstream side of the session is closed.");
        }
    }
}
