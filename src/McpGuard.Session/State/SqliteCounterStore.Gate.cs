using System.Diagnostics;
using McpGuard.Policy.Limits;

namespace McpGuard.State;

// One transaction at a time on the connection: callers, the checkpointer and the thread that runs queued decisions
// take turns.
internal sealed partial class SqliteCounterStore
{
    /// <summary>
    /// Waits (up to the busy timeout) until no transaction uses the connection, then holds it. Queued decisions
    /// are not waited for: this may run on the store's own thread, in a continuation of an answer.
    /// </summary>
    private bool TryAcquire(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_busyTimeout.TotalSeconds * Stopwatch.Frequency);
        lock (_lock)
        {
            while (_busy)
            {
                var left = deadline - Stopwatch.GetTimestamp();
                if (_disposed || cancellationToken.IsCancellationRequested || left <= 0)
                {
                    return false;
                }

                WaitForRelease(TimeSpan.FromSeconds(Math.Min(left, Stopwatch.Frequency) / (double)Stopwatch.Frequency));
            }

            if (_disposed)
            {
                return false;
            }

            _busy = true;
            return true;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> (the checkpointer's) while no transaction uses the connection. Decisions wait
    /// for it in the queue, not in SQLite's busy handler (which sleeps in steps of milliseconds), and the store's
    /// own thread lets it go first: it would otherwise take the connection again at once under a steady burst.
    /// </summary>
    private bool WhileIdle(Action action)
    {
        lock (_lock)
        {
            _idleWanted = true;
            while (_busy && !_disposed)
            {
                WaitForRelease(Timeout.InfiniteTimeSpan);
            }

            _idleWanted = false;
            if (_disposed)
            {
                Monitor.PulseAll(_lock);
                return false;
            }

            _busy = true;
        }

        try
        {
            action();
            return true;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// What the checkpointer does once it has copied the whole log back: the commit that starts the log again, with
    /// the store held. For tests, which cannot wait for a log worth a checkpoint and an idle store.
    /// </summary>
    internal bool RestartLogWhileIdle() => WhileIdle(RestartLog);

    /// <summary>
    /// Wakes only who waits for it: the store's thread when decisions are queued, a caller waiting for the
    /// connection. Pulsing every time woke the store's thread (once started) after each decision taken alone, a futex
    /// wake and a thread switch per counted call for nothing (issue 24: serve --url and run --url count one call at a
    /// time).
    /// Returns when the connection was released, the end of the counts it decided.
    /// </summary>
    private long Release()
    {
        lock (_lock)
        {
            _busy = false;
            _lastEnded = Stopwatch.GetTimestamp();
            if (_queue.Count > 0 || _releaseWaiters > 0)
            {
                Monitor.PulseAll(_lock);
            }

            return _lastEnded;
        }
    }

    private static long NowOr(long taken) => taken != 0 ? taken : Stopwatch.GetTimestamp();

    /// <summary>Waits, holding <c>_lock</c>, for <see cref="Release"/> (or a timeout).</summary>
    private void WaitForRelease(TimeSpan timeout)
    {
        _releaseWaiters++;
        try
        {
            Monitor.Wait(_lock, timeout);
        }
        finally
        {
            _releaseWaiters--;
        }
    }

    /// <summary>
    /// The thread that runs queued decisions, started with the first burst (a guard answered one call at a time never
    /// needs it).
    /// </summary>
    private void StartDrainThread()
    {
        if (_drain is null)
        {
            _drain = new Thread(Drain) { IsBackground = true, Name = "mcpguard sqlite counts" };
            _drain.Start();
        }
    }

    private void Drain()
    {
        while (true)
        {
            SqliteDecision[] batch;
            lock (_lock)
            {
                while (!_disposed && (_busy || _idleWanted || _queue.Count == 0))
                {
                    Monitor.Wait(_lock);
                }

                if (_disposed)
                {
                    return;
                }

                _busy = true;
                batch = _queue.TakeAll();
            }

            CountOutcome[] outcomes;
            long ended;
            try
            {
                outcomes = DecideTogether(batch);
            }
            finally
            {
                ended = Release();
            }

            // Recorded before the answers, as a wrapper awaiting them did: a call is forwarded after its count's.
            if (_durations is { } durations)
            {
                for (var i = 0; i < batch.Length; i++)
                {
                    durations.Record(batch[i].Started, ended, outcomes[i]);
                }
            }

            SqliteDecision.AnswerAll(batch, outcomes);
        }
    }
}
