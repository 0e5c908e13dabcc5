using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace McpGuard.State;

/// <summary>
/// Copies the SQLite store's WAL back into the file and starts the log again, on a thread and a connection of its
/// own, once the store is idle. A checkpoint waits for the disk twice (fsync, ~4 ms on the project's machine), and
/// the first commit after it waits once more to keep the log's new header: here never on a call's path. Each commit
/// costs more the longer the log (SQLite's WAL hash chains: about 9k of a lone call's 109k instructions at about
/// 900 frames), so once the log holds <see cref="FramesWorthACheckpoint"/> frames it is copied and started again
/// as soon as the store has committed nothing for <see cref="s_idle"/>, with the store held only for the commit that
/// starts it (a call that arrives then waits in the store's queue). Calls that keep coming without such a pause get
/// one checkpoint beside them a second (<see cref="s_flushEvery"/>), and at <see cref="FramesBeforeRestart"/> pages
/// the rest is copied with the store held, so the log stays bounded. Checkpoints every 400 commits ran almost back
/// to back beside a stream of calls, took CPU and the disk from them (the sequential p99) and never started the log
/// again (bench/HISTORY.md). A failed checkpoint is simply tried again later.
/// </summary>
internal sealed unsafe partial class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>A log this long (1 MB of 4 KB pages) is worth copying back at the next idle moment.</summary>
    private const long FramesWorthACheckpoint = 256;

    /// <summary>One of SQLite's WAL index blocks (16 MB of 4 KB pages): beyond it the store is held for it.</summary>
    private const long FramesBeforeRestart = 4096;

    /// <summary>A log that could not be started again is tried again after this many more commits.</summary>
    private const long RetryAfterCommits = 400;

    /// <summary>Calls answered one at a time commit every few tens of µs: a pause this long is none of them.</summary>
    private static readonly long s_idle = Stopwatch.Frequency / 50;

    /// <summary>
    /// A stream of calls without such a pause still has its log copied (and so kept on the disk) this often: about
    /// the last second of a busy guard is what a power loss can take (docs/limits.md).
    /// </summary>
    private static readonly long s_flushEvery = Stopwatch.Frequency;

    private readonly string _path;
    private readonly TimeSpan _busyTimeout;
    private readonly Func<Action, bool> _whileStoreIdle;
    private readonly Action _restartLog;
    private readonly object _lock = new();
    private GCHandle _self;
    private Thread? _thread;
    private long _frames;
    private long _commits;
    private long _lastCommit;
    private long _retryAfter;
    private long _lastCheckpoint = Stopwatch.GetTimestamp();
    private bool _wanted;
    private bool _disposed;
    private SqliteConnection? _connection;

    /// <param name="whileStoreIdle">Runs an action while the store runs no transaction (false: it closed).</param>
    /// <param name="restartLog">Commits on the store's own connection (which then starts the log again).</param>
    public SqliteCheckpointer(string path, TimeSpan busyTimeout, Func<Action, bool> whileStoreIdle, Action restartLog)
    {
        (_path, _busyTimeout, _whileStoreIdle, _restartLog) = (path, busyTimeout, whileStoreIdle, restartLog);
        _self = GCHandle.Alloc(this);
    }

    /// <summary>Follows the commits of the store's connection (SQLite's WAL hook, not auto-checkpoints).</summary>
    public void Watch(SqliteConnection connection) =>
        SqliteNative.SetWalHook(connection.Handle!.DangerousGetHandle(), &OnCommitted, GCHandle.ToIntPtr(_self));

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
            Monitor.PulseAll(_lock);
        }

        _thread?.Join();
        _connection?.Dispose();
        if (_self.IsAllocated)
        {
            _self.Free();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>SQLite's WAL hook: after each commit of the store's connection, with the pages in the log.</summary>
    [UnmanagedCallersOnly]
    private static int OnCommitted(nint self, nint db, byte* schema, int frames)
    {
        ((SqliteCheckpointer)GCHandle.FromIntPtr(self).Target!).Committed(frames);
        return 0;
    }

    /// <summary>
    /// On the committing thread, one transaction at a time: a few stores and a clock read; the checkpoint thread is
    /// woken once per checkpoint, not per commit.
    /// </summary>
    private void Committed(long frames)
    {
        var commits = _commits + 1;
        Volatile.Write(ref _commits, commits);
        Volatile.Write(ref _lastCommit, Stopwatch.GetTimestamp());
        Volatile.Write(ref _frames, frames);
        if (frames >= FramesWorthACheckpoint && commits >= _retryAfter && !Volatile.Read(ref _wanted))
        {
            lock (_lock)
            {
                _wanted = true;
                if (_thread is null && !_disposed)
                {
                    _thread = new Thread(Run) { IsBackground = true, Name = "mcpguard sqlite checkpoints" };
                    _thread.Start();
                }

                Monitor.PulseAll(_lock);
            }
        }
    }
}
