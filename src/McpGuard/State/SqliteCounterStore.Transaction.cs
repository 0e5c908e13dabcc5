using McpGuard.Home;
using McpGuard.Policy.Limits;
using Microsoft.Data.Sqlite;

namespace McpGuard.State;

internal sealed partial class SqliteCounterStore
{
    private const int SweepEvery = 1000;

    private readonly Dictionary<CounterId, long> _ids = [];
    private readonly List<(CounterId Counter, long Id)> _made = [];
    private SqliteConnection? _connection;
    private SqliteCounterStatements? _statements;
    private int _untilSweep;

    /// <summary>One decision in a transaction of its own, on the caller's thread.</summary>
    private CountOutcome DecideAlone(IReadOnlyList<CounterDemand> demands, DateTimeOffset now)
    {
        try
        {
            var statements = Begin();
            var outcome = Decide(statements, demands, now);
            Commit(statements);
            return outcome;
        }
        catch (Exception ex) when (SqliteFailures.IsStoreFailure(ex))
        {
            Fail();
            return new CountOutcome.Unavailable(SqliteFailures.Reason(ex));
        }
    }

    /// <summary>
    /// A burst's decisions in one transaction (group commit), in arrival order, each seeing what the ones before
    /// it counted. When the transaction fails, none of them counted.
    /// </summary>
    private CountOutcome[] DecideTogether(SqliteDecision[] batch)
    {
        var outcomes = new CountOutcome[batch.Length];
        try
        {
            var statements = Begin();
            for (var i = 0; i < batch.Length; i++)
            {
                outcomes[i] = Decide(statements, batch[i].Demands, batch[i].Now);
            }

            Commit(statements);
        }
        catch (Exception ex) when (SqliteFailures.IsStoreFailure(ex))
        {
            Fail();
            Array.Fill(outcomes, new CountOutcome.Unavailable(SqliteFailures.Reason(ex)));
        }

        return outcomes;
    }

    private bool GiveBack(CountReceipt receipt)
    {
        try
        {
            var statements = Begin();
            foreach (var counted in receipt.Counted)
            {
                if (Find(statements, counted.Counter) is { } stored)
                {
                    TakeBack(statements, stored, counted.BucketOpenedTicks, counted.Amount);
                    _windows.Remove(counted.Counter);
                }
            }

            Commit(statements);
            return true;
        }
        catch (Exception ex) when (SqliteFailures.IsStoreFailure(ex))
        {
            Fail();
            return false;
        }
    }

    /// <summary>
    /// Checks every demand against its counter's live window, then counts all of them, or refuses without
    /// writing a count. Runs inside an open transaction.
    /// </summary>
    private CountOutcome Decide(
        SqliteCounterStatements statements, IReadOnlyList<CounterDemand> demands, DateTimeOffset now)
    {
        var few = default(FewLiveWindows);
        Span<LiveWindow> windows = demands.Count <= FewLiveWindows.Length
            ? ((Span<LiveWindow>)few)[..demands.Count]
            : new LiveWindow[demands.Count];
        for (var i = 0; i < demands.Count; i++)
        {
            var demand = demands[i];
            var window = Load(statements, demand.Counter, now);
            if (window.Sum + demand.Amount > demand.Max)
            {
                var buckets = window.Id is { } id ? LiveBuckets(statements, id, demand.Counter.Window, now) : [];
                var retryAfter = WindowArithmetic.RetryAfter(
                    buckets, window.Sum, demand.Amount, demand.Max, demand.Counter.Window, now);
                return new CountOutcome.Refused(i, retryAfter);
            }

            windows[i] = window;
        }

        var counted = new CountedAmount[demands.Count];
        for (var i = 0; i < demands.Count; i++)
        {
            var demand = demands[i];
            counted[i] = new CountedAmount(demand.Counter, Add(statements, windows[i], demand, now), demand.Amount);
        }

        if (--_untilSweep <= 0)
        {
            _untilSweep = SweepEvery;
            Sweep(statements, now);
        }

        return new CountOutcome.Counted(new CountReceipt(counted));
    }

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

    /// <summary>
    /// The open connection, opening it (and creating the file and schema) on first use or after a failure.
    /// </summary>
    private SqliteCounterStatements Open()
    {
        if (_statements is { } statements)
        {
            return statements;
        }

        McpGuardHome.EnsureDirectoryOf(_path);
        SqliteNative.UseMultiThreadMode();

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(_busyTimeout.TotalSeconds)),
        }.ToString());
        try
        {
            connection.Open();
            CreateSchema(connection);
            _checkpointer.Watch(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        _statements = new SqliteCounterStatements(connection);
        _untilSweep = 0;
        return _statements;
    }

    /// <summary>
    /// Drops the connection (the next transaction opens it again) and forgets the ids and windows: the file may be
    /// another one then.
    /// </summary>
    private void Reset()
    {
        _statements?.Dispose();
        _statements = null;
        _ids.Clear();
        _windows.Clear();
        _writes.Clear();
        _windowsVersion = -1;
        _connection?.Dispose();
        _connection = null;
    }
}
