using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace McpGuard.State;

/// <summary>The checkpoint thread: it waits for an idle store, or for a full log, and starts the log again.</summary>
internal sealed partial class SqliteCheckpointer
{
    private void Run()
    {
        while (WaitUntilWanted())
        {
            var restarted = false;
            try
            {
                restarted = CheckpointWhenIdle(_connection ??= Open());
            }
            catch (SqliteException)
            {
                // The store's own connection reports an unreachable file; this one tries again later.
                _connection?.Dispose();
                _connection = null;
            }

            lock (_lock)
            {
                // A log that could not be started again (another guard's reader or writer in it) is tried again only
                // after a few hundred more commits, not after each one.
                _retryAfter = restarted ? 0 : Volatile.Read(ref _commits) + RetryAfterCommits;
                _wanted = false;
            }
        }
    }

    private bool WaitUntilWanted()
    {
        lock (_lock)
        {
            while (!_wanted && !_disposed)
            {
                Monitor.Wait(_lock);
            }

            return !_disposed;
        }
    }

    /// <summary>
    /// Waits for an idle store (or a full log), then copies the log back and starts it again; false when it could
    /// not be started again.
    /// </summary>
    private bool CheckpointWhenIdle(SqliteConnection connection)
    {
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            var quiet = now - Volatile.Read(ref _lastCommit);
            var sinceCheckpoint = now - _lastCheckpoint;
            if (Volatile.Read(ref _frames) >= FramesBeforeRestart)
            {
                // A steady stream: copy most of the log beside it, then the rest with the store held.
                Checkpoint(connection);
                return _whileStoreIdle(() => RestartWhenCopied(connection))
                    && Volatile.Read(ref _frames) < FramesWorthACheckpoint;
            }

            if (quiet >= s_idle)
            {
                var commits = Volatile.Read(ref _commits);
                var (log, copied) = Checkpoint(connection);
                var idle = Volatile.Read(ref _commits) == commits;
                if (copied == log && idle)
                {
                    return log == 0
                        || (_whileStoreIdle(() => RestartWhenCopied(connection)) && Volatile.Read(ref _frames) < log);
                }

                if (idle)
                {
                    return false;
                }
            }
            else if (sinceCheckpoint >= s_flushEvery)
            {
                // A steady stream: its commits still reach the disk this often (what a power loss can take).
                Checkpoint(connection);
                continue;
            }

            lock (_lock)
            {
                if (_disposed)
                {
                    return false;
                }

                var wait = Math.Max(Math.Min(s_idle - quiet, s_flushEvery - sinceCheckpoint), s_idle / 4);
                Monitor.Wait(_lock, TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
            }
        }
    }

    /// <summary>With the store held: the last commit restarts the log once every frame of it is in the file.</summary>
    private void RestartWhenCopied(SqliteConnection connection)
    {
        if (Checkpoint(connection) is var (log, copied) && log > 0 && copied == log)
        {
            _restartLog();
        }
    }

    /// <summary>A passive checkpoint (it never waits for the store's writes): the log's pages, those copied.</summary>
    private (long Log, long Copied) Checkpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var reader = command.ExecuteReader();
        _lastCheckpoint = Stopwatch.GetTimestamp();
        return reader.Read() ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(_busyTimeout.TotalSeconds)),
        }.ToString());
        connection.Open();
        return connection;
    }
}
