using McpGuard.Policy.Limits;
using Microsoft.Data.Sqlite;

namespace McpGuard.State;

// Opening and ending a write transaction, and when what the connection remembers still holds.
internal sealed partial class SqliteCounterStore
{
    private readonly List<(CounterId Counter, long Id)> _made = [];

    /// <summary>
    /// Opens the write transaction. The counters this connection remembers are still what the file holds unless
    /// another connection committed since: then the data version read under the write lock is not the one this
    /// connection's own last commit left (<see cref="SqliteCounterStatements.DataVersion"/>), and they are read again.
    /// </summary>
    private SqliteCounterStatements Begin()
    {
        var statements = Open();
        statements.Begin.Execute();
        try
        {
            var version = statements.DataVersion();
            if (version < 0 || version != _windowsVersion)
            {
                _windows.Clear();
                _windowsVersion = version;
            }
        }
        catch
        {
            RollBack(statements);
            throw;
        }

        return statements;
    }

    private void Commit(SqliteCounterStatements statements)
    {
        try
        {
            Settle(statements);
            statements.Commit.Execute();
        }
        catch
        {
            RollBack(statements);
            throw;
        }

        // The commit moved the connection's own data version: what it remembers still holds.
        _windowsVersion = statements.DataVersion();

        // Remembered only once committed: the id of a counter made in a transaction that rolled back is free again.
        foreach (var (counter, id) in _made)
        {
            _ids[counter] = id;
        }

        _made.Clear();
    }

    /// <summary>
    /// Starts the WAL again (the checkpointer's, with the store held and the whole log copied into the file). The first
    /// commit after a checkpoint does that, and waits for the disk to keep the log's new header (an fsync): a commit
    /// that writes back the file's own version number takes that wait here instead of a call. On this connection, in
    /// a transaction opened like a decision's (<see cref="Begin"/>): what another guard committed since this
    /// connection's last transaction moves the data version at its start, and the counters this guard remembers are
    /// read again. Read only after this commit, the version took those commits in unseen and the counters stayed as
    /// they were before them: the next decision counted on an old sum (two guards forwarded 251 calls of max 250).
    /// </summary>
    private void RestartLog()
    {
        if (_connection is not { } connection || _statements is null)
        {
            return;
        }

        try
        {
            var statements = Begin();
            try
            {
                var version = (long)Scalar(connection, null, "PRAGMA user_version")!;
                Execute(connection, null, $"PRAGMA user_version = {version}");
            }
            catch
            {
                RollBack(statements);
                throw;
            }

            Commit(statements);
        }
        catch (SqliteException)
        {
            // The log stays as it is; the next decision meets whatever is wrong with the file.
        }
    }

    /// <summary>
    /// After a failure: nothing of the transaction counted, and the connection is opened afresh by the next one.
    /// </summary>
    private void Fail()
    {
        _made.Clear();
        _writes.Clear();
        Reset();
    }

    /// <summary>
    /// Ends a transaction that did not commit (then SQLite may have rolled back already, and the connection is dropped
    /// next).
    /// </summary>
    private static void RollBack(SqliteCounterStatements statements)
    {
        try
        {
            statements.Rollback.Execute();
        }
        catch (SqliteException)
        {
            // No transaction is open any more: nothing to undo.
        }
    }
}
