using McpGuard.Home;
using McpGuard.Policy;
using Microsoft.Data.Sqlite;

namespace McpGuard.State;

/// <summary>
/// Counters in one SQLite file shared by every guard of the user (docs/limits.md). WAL journal, so readers never
/// wait for a writer; one <c>BEGIN IMMEDIATE</c> transaction per decision, so "check every demand, then count in
/// all" is atomic across processes (a second guard waits on the busy timeout, then sees the first one's counts).
/// A counter's newest bucket keeps the counter's total, so a decision reads a counter's row with its oldest and
/// newest bucket and writes one bucket per demand, whatever the number of buckets in the window (a busy counter
/// has about 1,024).
/// <c>synchronous=NORMAL</c>: a crashed guard loses nothing it committed; a power loss can lose the last
/// commits before the WAL reached the disk. Buckets that have left their window are deleted as decisions touch
/// them, and all of them now and then, so the file follows what is counted in the windows, not history.
/// One connection per store, used by one decision at a time.
/// </summary>
internal sealed partial class SqliteCounterStore : ICounterStore, IAsyncDisposable
{
    private const int SweepEvery = 1000;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<CounterId, long> _ids = [];
    private readonly string _path;
    private readonly TimeSpan _busyTimeout;
    private SqliteConnection? _connection;
    private SqliteCounterStatements? _statements;
    private int _untilSweep;

    public SqliteCounterStore(string path, TimeSpan busyTimeout, string displayPath)
    {
        _path = path;
        _busyTimeout = busyTimeout;
        Description = $"the SQLite store at {displayPath}";
    }

    public string Description { get; }

    public async ValueTask<CountOutcome> TryCountAsync(IReadOnlyList<CounterDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(_busyTimeout, cancellationToken))
        {
            return new CountOutcome.Unavailable($"busy for more than {_busyTimeout.TotalSeconds:0.###}s");
        }

        try
        {
            var (connection, statements) = Open();
            statements.Begin.With().ExecuteNonQuery();
            var committed = false;
            try
            {
                var windows = new LiveWindow[demands.Count];
                for (var i = 0; i < demands.Count; i++)
                {
                    var demand = demands[i];
                    var window = Load(statements, demand.Counter, now);
                    if (window.Sum + demand.Amount > demand.Max)
                    {
                        var buckets = window.Id is { } id ? LiveBuckets(statements, id, demand.Counter.Window, now) : [];
                        return new CountOutcome.Refused(i, WindowArithmetic.RetryAfter(buckets, window.Sum, demand.Amount, demand.Max, demand.Counter.Window, now));
                    }

                    windows[i] = window;
                }

                var counted = new CountedAmount[demands.Count];
                var made = new List<(CounterId Counter, long Id)>();
                for (var i = 0; i < demands.Count; i++)
                {
                    var demand = demands[i];
                    counted[i] = new CountedAmount(demand.Counter, Add(statements, windows[i], demand, now, made), demand.Amount);
                }

                if (--_untilSweep <= 0)
                {
                    _untilSweep = SweepEvery;
                    Sweep(connection, now);
                }

                statements.Commit.With().ExecuteNonQuery();
                committed = true;

                // Remembered only once committed: the id of a counter made in a transaction that rolled back is free again.
                foreach (var (counter, id) in made)
                {
                    _ids[counter] = id;
                }

                return new CountOutcome.Counted(new CountReceipt(counted));
            }
            finally
            {
                if (!committed)
                {
                    RollBack(statements);
                }
            }
        }
        catch (SqliteException ex)
        {
            Reset();
            return new CountOutcome.Unavailable(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Reset();
            return new CountOutcome.Unavailable(ex.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<bool> GiveBackAsync(CountReceipt receipt, CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(_busyTimeout, cancellationToken))
        {
            return false;
        }

        try
        {
            var (_, statements) = Open();
            statements.Begin.With().ExecuteNonQuery();
            var committed = false;
            try
            {
                foreach (var counted in receipt.Counted)
                {
                    if (Find(statements, counted.Counter) is { } stored)
                    {
                        TakeBack(statements, stored, counted.BucketOpenedTicks, counted.Amount);
                    }
                }

                statements.Commit.With().ExecuteNonQuery();
                committed = true;
                return true;
            }
            finally
            {
                if (!committed)
                {
                    RollBack(statements);
                }
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Reset();
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends a decision that did not commit (refused, or failed: then SQLite may have rolled back already, and the connection is dropped next).</summary>
    private static void RollBack(SqliteCounterStatements statements)
    {
        try
        {
            statements.Rollback.With().ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // No transaction is open any more: nothing to undo.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync(CancellationToken.None);
        Reset();
        _gate.Dispose();
    }

    /// <summary>The open connection, opening it (and creating the file and schema) on first use or after a failure.</summary>
    private (SqliteConnection Connection, SqliteCounterStatements Statements) Open()
    {
        if (_connection is { } open && _statements is { } statements)
        {
            return (open, statements);
        }

        McpGuardHome.EnsureDirectoryOf(_path);

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
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        _statements = new SqliteCounterStatements(connection);
        _untilSweep = 0;
        return (connection, _statements);
    }

    /// <summary>Drops the connection after a failure (the next decision opens it again) and forgets the ids: the file may be another one then.</summary>
    private void Reset()
    {
        _statements?.Dispose();
        _statements = null;
        _ids.Clear();
        _connection?.Dispose();
        _connection = null;
    }
}
