using Microsoft.Data.Sqlite;

namespace McpGuard.State;

/// <summary>
/// Copies the SQLite store's WAL back into the file now and then, on a connection and a thread of its own. SQLite
/// does this after a commit by default (every 1,000 WAL pages), and a checkpoint waits for the disk twice (fsync):
/// milliseconds on the call that happened to commit then (the 5 ms p99 of issue 27). So it runs beside the store's
/// commits. But under a steady stream of calls such a checkpoint never catches up with them, and SQLite starts the
/// log anew only after one that copied all of it: the log grew by every commit of a busy guard (100 MB in 12 s of
/// pipelined calls) and each commit's pages took longer to index in it (SQLite's WAL hash chains). Once the log
/// holds <see cref="FramesBeforeRestart"/> pages, the checkpoint is run once more while the store's connection is
/// idle (<paramref name="whileStoreIdle"/>: decisions that arrive meanwhile wait in the store's queue): it copies
/// the rest, and the store's next commit starts the log from its beginning. Holding the store for every
/// checkpoint (every 400 commits) kept the log shorter but stalled pipelined calls for two disk flushes each time:
/// fewer instructions, a fifth less throughput (bench/README.md). A failed checkpoint is simply tried again later.
/// </summary>
internal sealed class SqliteCheckpointer(string path, TimeSpan busyTimeout, Func<Action, bool> whileStoreIdle)
    : IAsyncDisposable
{
    /// <summary>About SQLite's own 1,000 WAL pages: a decision writes one to four pages.</summary>
    private const int CommitsPerCheckpoint = 400;

    /// <summary>One of SQLite's WAL index blocks (16 MB of 4 KB pages): beyond it the log is started again.</summary>
    private const long FramesBeforeRestart = 4096;

    private int _commits;
    private bool _grouped;
    private Task _running = Task.CompletedTask;
    private SqliteConnection? _connection;

    /// <summary>
    /// Called after each commit of the store (under its connection's lock); <paramref name="alone"/> when it held
    /// one decision (or a give-back), not a group commit.
    /// </summary>
    public void Committed(bool alone)
    {
        _grouped |= !alone;
        if (++_commits < CommitsPerCheckpoint || !_running.IsCompleted)
        {
            return;
        }

        var lone = !_grouped;
        (_commits, _grouped) = (0, false);
        _running = Task.Run(() => Checkpoint(lone));
    }

    public async ValueTask DisposeAsync()
    {
        await _running;
        _connection?.Dispose();
    }

    /// <param name="lone">
    /// Every commit since the last checkpoint held one decision: calls answered one at a time. Then the log is
    /// started again every round, not only at <see cref="FramesBeforeRestart"/>: each commit writes the same few
    /// pages, and indexing a page in the log (SQLite's WAL hash table, one probe per earlier copy of it) cost 15k of
    /// a lone call's ~120k instructions with up to 4,096 frames in it. The one call that arrives during the held
    /// checkpoint waits for its disk flushes: one call in 400. Group commits (pipelined calls, which the held
    /// checkpoint would stall together) restart the log only at <see cref="FramesBeforeRestart"/>.
    /// </param>
    private void Checkpoint(bool lone)
    {
        try
        {
            var connection = _connection ??= Open();
            // What the first one answers is the log as it stood when it began: the commits made during its disk
            // flushes are left for the held one.
            var log = Run(connection);
            if (lone || log >= FramesBeforeRestart)
            {
                whileStoreIdle(() => Run(connection));
            }
        }
        catch (SqliteException)
        {
            // The store's own connection reports an unreachable file; this one tries again at the next round.
            _connection?.Dispose();
            _connection = null;
        }
    }

    /// <summary>A passive checkpoint (it never waits for the store's writes); answers the pages in the log.</summary>
    private static long Run(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt64(1) : 0;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString());
        connection.Open();
        return connection;
    }
}
