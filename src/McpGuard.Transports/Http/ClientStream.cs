using System.Threading.Tasks.Sources;
using McpGuard.Session;
using McpGuard.Stdio;

namespace McpGuard.Http;

/// <summary>
/// Messages on their way to one HTTP response: a POST's answer (and what relates to it), or a session's GET
/// stream. Bounded, so a client that does not read its stream slows only the session or request it belongs to.
/// </summary>
/// <remarks>
/// A queue of its own rather than a bounded channel: a POST's stream carries one message, and the channel, its
/// reader, writer and queue, the cancellation registration of its read and the exception its completion made cost
/// a dozen objects and ~5,000 instructions of a `serve --url` call (callgrind). The waiting reader continues on the
/// writer's thread, up to the response's first wait on its client (Kestrel sends it there); queued to the thread
/// pool instead, each answer woke a worker, which woke another in case more came (futex calls, strace). The writer
/// never holds a lock while it delivers (<see cref="SessionRouter"/>), so what runs inline cannot wait on it.
/// </remarks>
internal sealed class ClientStream(JsonRpcId? answers, string? progressToken) : IValueTaskSource<bool>
{
    private const int Capacity = 64;

    private readonly Lock _gate = new();
    private StreamQueue _queue; // mutable struct: changed in place, under the lock
    private ManualResetValueTaskSourceCore<bool> _readable; // synchronous continuations: see the remarks
    private CancellationTokenRegistration _cancelWait;
    private bool _readerWaiting;
    private bool _completed;
    private TaskCompletionSource? _space;

    /// <summary>The request this stream answers; null for a GET stream.</summary>
    public JsonRpcId? Answers { get; } = answers;

    /// <summary>
    /// On the shared child the request went with ids of the guard's own; the client gets its own back.
    /// </summary>
    public ClientIds? Restore { get; init; }

    /// <summary>The client withdrew the request: the stream ended with no answer, and none is owed.</summary>
    public bool Withdrawn { get; set; }

    /// <summary>The progress token the request carried, if any.</summary>
    public string? ProgressToken { get; } = progressToken;

    /// <summary>Delivers one message; false when the stream is already over (its client went away).</summary>
    public async ValueTask<bool> WriteAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task? space = null;
            var wake = false;
            var registration = default(CancellationTokenRegistration);
            lock (_gate)
            {
                if (_completed)
                {
                    return false;
                }

                if (_queue.Count < Capacity)
                {
                    _queue.Enqueue(message);
                    wake = TakeWaitingReader(out registration);
                }
                else
                {
                    _space ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    space = _space.Task;
                }
            }

            if (space is null)
            {
                if (wake)
                {
                    registration.Unregister();
                    _readable.SetResult(true);
                }

                return true;
            }

            await space.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// True once a message can be read (<see cref="TryRead"/>); false when the stream ended and all was read.
    /// One reader at a time.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_queue.Count > 0 || _completed)
            {
                return new ValueTask<bool>(_queue.Count > 0);
            }

            cancellationToken.ThrowIfCancellationRequested();
            _readable.Reset();
            _readerWaiting = true;
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((ClientStream)state!).CancelWait(token), this);
            lock (_gate)
            {
                if (_readerWaiting)
                {
                    (_cancelWait, registration) = (registration, default);
                }
            }

            // Woken already (or cancelled): the registration is not needed.
            registration.Unregister();
        }

        return new ValueTask<bool>(this, _readable.Version);
    }

    /// <summary>The next message, if one is there.</summary>
    public bool TryRead(out OutboundMessage message)
    {
        TaskCompletionSource? space;
        lock (_gate)
        {
            if (!_queue.TryDequeue(out message))
            {
                return false;
            }

            space = _space;
            _space = null;
        }

        space?.TrySetResult();
        return true;
    }

    /// <summary>No more messages: the answer was delivered, the session ended, or the client went away.</summary>
    public void Complete()
    {
        TaskCompletionSource? space;
        bool wake;
        CancellationTokenRegistration registration;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            (space, _space) = (_space, null);
            wake = TakeWaitingReader(out registration);
        }

        // Writers waiting for room see the stream over; a waiting reader learns that nothing is left.
        space?.TrySetResult();
        if (wake)
        {
            registration.Unregister();
            _readable.SetResult(false);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _readable.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _readable.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(
        Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _readable.OnCompleted(continuation, state, token, flags);

    /// <summary>
    /// Under the lock: whether a reader waits (it is then no longer waiting, and its wait is ended outside the lock,
    /// where its continuation runs), with its cancellation registration.
    /// </summary>
    private bool TakeWaitingReader(out CancellationTokenRegistration registration)
    {
        (registration, _cancelWait) = (_cancelWait, default);
        (var waiting, _readerWaiting) = (_readerWaiting, false);
        return waiting;
    }

    private void CancelWait(CancellationToken token)
    {
        lock (_gate)
        {
            if (!TakeWaitingReader(out _))
            {
                return;
            }
        }

        _readable.SetException(new OperationCanceledException(token));
    }
}
