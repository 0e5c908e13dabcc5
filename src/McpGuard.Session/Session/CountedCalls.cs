using System.Buffers;

namespace McpGuard.Session;

/// <summary>
/// The tools/calls held for their counts (docs/relay.md#arrival-order), sent by one sender in the order they
/// arrived, each once its count is in. Calls whose counts one group commit answered go out in one write. One queue
/// and one sender instead of a decision off the pump per call: no pool work item, linked token, turn or flush per
/// call, and no chain of pool hops from one call's turn to the next (bench/HISTORY.md, issue 27, fifth session).
/// A held call's line is copied into a buffer an earlier held call gave back once it was sent (<see cref="CopyOf"/>):
/// a copy per call was the largest object a pipelined call allocated (bench/README.md, issue 27).
/// </summary>
/// <param name="send">Concludes and sends one call (it never throws); the write may wait for <paramref
/// name="flush"/>.</param>
/// <param name="flush">Sends what was written: before the sender waits for a count, and when the queue is
/// empty.</param>
internal sealed class CountedCalls(Func<CountedCall, ValueTask> send, Func<ValueTask> flush)
{
    /// <summary>How long the shutdown waits for the sender to notice that the relay stopped.</summary>
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Lines up to this long are copied into buffers that are kept; a longer one gets its own array.</summary>
    internal const int MaxKeptLine = 4096;

    /// <summary>A kept buffer's size is a multiple of this: a client's calls are about as long as each other.</summary>
    private const int BufferStep = 256;

    /// <summary>
    /// At most this much is kept in free buffers: 256 calls of 256 bytes, as many as wait for their counts at once in
    /// a pipelining client's burst, so a steady burst allocates none; bounded per session for a gateway's many.
    /// </summary>
    private const int MaxFreeBytes = 64 * 1024;

    private readonly Queue<CountedCall> _queue = new();
    private readonly Stack<byte[]> _free = new();
    private readonly Lock _lock = new();
    private int _freeBytes;
    private Task _sending = Task.CompletedTask;
    private bool _running;

    /// <summary>Queues a call, on the pump, in arrival order; starts the sender when it is idle.</summary>
    public void Enqueue(CountedCall call)
    {
        lock (_lock)
        {
            _queue.Enqueue(call);
            if (_running)
            {
                return;
            }

            _running = true;
        }

        // Runs on the pump until the call's count is awaited; it is not, most of the time, so that is at once.
        _sending = SendAllAsync();
    }

    /// <summary>
    /// A copy of a held call's line at the start of a buffer, one a sent call gave back when there is one. The buffer
    /// is given back once <c>send</c> completed for its call: the transports copy what they keep before their send
    /// completes (<see cref="IMessageOutput.SendAsync(ReadOnlySequence{byte}, bool, CancellationToken)"/>).
    /// </summary>
    public byte[] CopyOf(ReadOnlySequence<byte> line)
    {
        byte[]? buffer = null;
        if (line.Length <= MaxKeptLine)
        {
            lock (_lock)
            {
                if (_free.TryPop(out buffer))
                {
                    _freeBytes -= buffer.Length;
                }
            }
        }

        if (buffer is null || buffer.Length < line.Length)
        {
            // A shorter buffer is left to the collector: the next ones are made to fit this client's calls.
            buffer = new byte[line.Length <= MaxKeptLine ? (line.Length + BufferStep - 1) / BufferStep * BufferStep
                : line.Length];
        }

        line.CopyTo(buffer);
        return buffer;
    }

    /// <summary>Completes once every call queued so far was sent or given up (cancels nothing).</summary>
    public Task Sent => _sending;

    /// <summary>Waits (briefly) until every queued call was sent or given up: the relay stops.</summary>
    public async Task DrainAsync()
    {
        try
        {
            await _sending.WaitAsync(s_drainTimeout, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // A count the store never answered: the shutdown answers its request regardless.
        }
    }

    private async Task SendAllAsync()
    {
        var unflushed = false;
        byte[]? sent = null;
        while (true)
        {
            CountedCall? next;
            lock (_lock)
            {
                // The last call's buffer is given back under the lock taken here anyway.
                if (sent is not null && _freeBytes + sent.Length <= MaxFreeBytes)
                {
                    _free.Push(sent);
                    _freeBytes += sent.Length;
                }

                sent = null;
                _queue.TryPeek(out next);
            }

            if (next is null || !next.Counting.IsCompleted)
            {
                if (unflushed)
                {
                    await FlushAsync();
                    unflushed = false;
                }

                if (next is null)
                {
                    lock (_lock)
                    {
                        if (_queue.Count == 0)
                        {
                            _running = false;
                            return;
                        }
                    }

                    continue;
                }

                // Answered on the store's thread, which answers the rest of its group commit meanwhile: the sender
                // goes on from the pool and finds them answered, so they share a write.
                await ((Task)next.Counting).ConfigureAwait(
                    ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
            }

            lock (_lock)
            {
                _queue.Dequeue();
            }

            await send(next);
            sent = next.Line.Length <= MaxKeptLine ? next.Line : null;
            unflushed = true;
        }
    }

    private async ValueTask FlushAsync()
    {
        try
        {
            await flush();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The server's input is gone or the relay stops: the pump sees it too, and the shutdown answers.
        }
    }
}
