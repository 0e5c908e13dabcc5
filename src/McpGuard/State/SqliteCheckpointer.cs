using Microsoft.Data.Sqlite;

namespace McpGuard.State;

/// <summary>
/// Copies the SQLite store's WAL back into the file now and then, on a connection and a thread of its own. SQLite
/// does this after a commit by default (every 1,000 WAL pages), and a checkpoint waits for the disk twice (fsync):
/// milliseconds on the call that happened to commit then (the 5 ms p99 of issue 27).
/// The checkpoint runs while the store's connection is idle (<paramref name="whileStoreIdle"/>: decisions that
/// arrive meanwhile queue for the next group commit). A checkpoint that ran beside the store's commits never caught
/// up with them, so the log was never started again: it grew by every commit of a busy guard (100 MB in 12 s of
/// pipelined calls), and each commit's frames took longer to index (SQLite's WAL hash chains, a sixth of a lone
/// call's instructions). A checkpoint that copies the whole log lets the store's next transaction start it anew.
/// A failed one is simply tried again later.
/// </summary>
internal sealed class SqliteCheckpointer(string path, TimeSpan busyTimeout, Func<Action, bool> whileStoreIdle)
    : IAsyncDisposable
{
    /// <summary>About SQLite's own 1,000 WAL pages: a decision writes one to four pages.</summary>
    private const int CommitsPerCheckpoint = 400;

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
            whileStoreIdle(() =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                command.ExecuteNonQuery();
            });
        }
        catch (SqliteException)
        {
            // The store's own connection reports an unreachable file; this one tries again at the next round.
            _connection?.Dispose();
            _connection = null;
        }
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
