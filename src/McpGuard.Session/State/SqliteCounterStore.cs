using System.Diagnostics;
using McpGuard.Policy.Limits;

namespace McpGuard.State;

/// <summary>
/// Counters in one SQLite file shared by every guard of the user (docs/limits.md). One connection, used by one
/// transaction at a time. A decision is one <c>BEGIN IMMEDIATE</c> transaction, so "check every demand, then
/// count in all" is atomic across processes (a second guard waits on the busy timeout, then sees the first one's
/// counts); decisions that arrive while one runs, or back to back (pipelined calls), wait in a queue and share the
/// next transaction (group commit), each still checked in order against what the ones before it counted.
/// A decision's answer is given only once its transaction committed, so a call is never forwarded uncounted.
/// WAL with <c>synchronous=NORMAL</c> and checkpoints by a connection of their own (<see cref="SqliteCheckpointer"/>):
/// a commit writes to the WAL without waiting for the disk; docs/limits.md says what a crash can lose.
/// </summary>
internal sealed partial class SqliteCounterStore : ICounterStore, ITimesItsCounts, IAsyncDisposable
{
    /// <summary>
    /// A decision of a client with other calls in flight (<see cref="CallsBehind"/>) that arrives this soon after
    /// the last transaction ended is one of a burst: it joins the queue (and the next group commit) instead of
    /// running on the caller's thread. Pipelined calls arrive a pump's own work apart (a few µs); a call answered
    /// one at a time comes a whole round trip through the server and the client later and runs at once, without a
    /// thread hop. At 30 µs, one-at-a-time calls on the benchmark's machine were queued too (p50 56 µs against 44 µs
    /// before group commit); with a quick client even 15 µs queued up to a tenth of them, which is why only a client
    /// that does not wait for its answers is timed at all.
    /// </summary>
    private static readonly long s_burstTicks = Stopwatch.Frequency * 15 / 1_000_000;

    private readonly object _lock = new();

    private readonly SqliteDecisionQueue _queue;

    private readonly string _path;

    private readonly TimeSpan _busyTimeout;

    private readonly SqliteCheckpointer _checkpointer;

    private Thread? _drain;

    private bool _busy;

    /// <summary>Callers inside <see cref="WaitForRelease"/>, which <see cref="Release"/> must wake.</summary>
    private int _releaseWaiters;

    private bool _idleWanted;

    private bool _disposed;

    private long _lastEnded;

    private CountDurations? _durations;

    public SqliteCounterStore(string path, TimeSpan busyTimeout, string displayPath)
    {
        _path = path;
        _busyTimeout = busyTimeout;
        _checkpointer = new SqliteCheckpointer(path, busyTimeout, WhileIdle, RestartLog);
        _queue = new SqliteDecisionQueue(_lock);
        Description = $"the SQLite store at {displayPath}";
    }

    public string Description { get; }

    public void TimeCountsWith(CountDurations durations) => _durations = durations;

    /// <summary>
    /// With telemetry on (<see cref="_durations"/>), a count is timed from the clock reading taken here (which the
    /// burst test reuses) to the one <see cref="Release"/> takes when its transaction ended: no reading of its own.
    /// </summary>
    public ValueTask<CountOutcome> TryCountAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var durations = _durations;
        var started = durations is null ? 0 : Stopwatch.GetTimestamp();
        SqliteDecision? queued = null;
        lock (_lock)
        {
            if (_disposed)
            {
                CountOutcome closed = new CountOutcome.Unavailable("the store is closed");
                durations?.Record(started, Stopwatch.GetTimestamp(), closed);
                return new(closed);
            }

            if (_busy || _idleWanted || _queue.Count > 0
                || (CallsBehind.Waiting && NowOr(started) - _lastEnded < s_burstTicks))
            {
                queued = new SqliteDecision(demands, now, cancellationToken) { Started = started };
                var first = _queue.Count == 0;
                _queue.Add(queued);
                StartDrainThread();

                // Only the first of a batch wakes the store's thread: the later ones find it woken already (or busy,
                // and Release wakes it for what is queued). A pulse is a lookup of the lock's condition in a table
                // (Native AOT keeps conditions apart from objects), paid per queued call for nothing.
                if (first)
                {
                    Monitor.PulseAll(_lock);
                }
            }
            else
            {
                _busy = true;
            }
        }

        if (queued is not null)
        {
            return queued.Answer;
        }

        CountOutcome outcome;
        long ended;
        try
        {
            outcome = DecideAlone(demands, now);
        }
        finally
        {
            ended = Release();
        }

        durations?.Record(started, ended, outcome);
        return new(outcome);
    }

    public ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken)
    {
        if (!TryAcquire(cancellationToken))
        {
            return new(false);
        }

        try
        {
            return new(GiveBack(receipt));
        }
        finally
        {
            Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        SqliteDecision[] left;
        lock (_lock)
        {
            while (_busy)
            {
                WaitForRelease(Timeout.InfiniteTimeSpan);
            }

            _disposed = true;
            left = _queue.TakeAll();
            Monitor.PulseAll(_lock);
        }

        var closedAt = Stopwatch.GetTimestamp();
        foreach (var decision in left)
        {
            CountOutcome closed = new CountOutcome.Unavailable("the store is closed");
            _durations?.Record(decision.Started, closedAt, closed);
            decision.TryAnswer(closed);
        }

        // Not from the store's own thread (the last answer's continuation may dispose the store): it ends by itself.
        if (_drain is { } drain && drain != Thread.CurrentThread)
        {
            drain.Join();
        }

        Reset();
        await _checkpointer.DisposeAsync();
    }
}
