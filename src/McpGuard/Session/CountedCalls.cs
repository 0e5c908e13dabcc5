namespace McpGuard.Session;

/// <summary>
/// The tools/calls held for their counts (docs/relay.md#arrival-order), sent by one sender in the order they
/// arrived, each once its count is in. Calls whose counts one group commit answered go out in one write. One queue
/// and one sender instead of a decision off the pump per call: no pool work item, linked token, turn or flush per
/// call, and no chain of pool hops from one call's turn to the next (bench/HISTORY.md, issue 27, fifth session).
/// </summary>
/// <param name="send">Concludes and sends one call (it never throws); the write may wait for <paramref
/// name="flush"/>.</param>
/// <param name="flush">Sends what was written: before the sender waits for a count, and when the queue is
/// empty.</param>
internal sealed class CountedCalls(Func<CountedCall, ValueTask> send, Func<ValueTask> flush)
{
    /// <summary>How long the shutdown waits for the sender to notice that the relay stopped.</summary>
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(2);

    private readonly Queue<CountedCall> _queue = new();
    private readonly Lock _lock = new();
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
        while (true)
        {
            CountedCall? next;
            lock (_lock)
            {
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
