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
    private Task _running = Task.CompletedTask;
    private SqliteConnection? _connection;

    /// <summary>Called after each commit of the store (under its connection's lock).</summary>
    public void Committed()
    {
        if (++_commits < CommitsPerCheckpoint || !_running.IsCompleted)
        {
            return;
        }

        _commits = 0;
        _running = Task.Run(Checkpoint);
    }

    public async ValueTask DisposeAsync()
    {
        await _running;
        _connection?.Dispose();
    }

    private void Checkpoint()
    {
        try
        {
            var connection = _connection ??= Open();
            if (Run(connection) >= FramesBeforeRestart)
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
