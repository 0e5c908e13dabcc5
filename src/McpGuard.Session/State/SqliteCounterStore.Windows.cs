using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using Microsoft.Data.Sqlite;

namespace McpGuard.State;

// Reading a counter's live window: from what the connection remembers, else from the file.
internal sealed partial class SqliteCounterStore
{
    /// <summary>
    /// A counter as a decision sees it, after its expired buckets were deleted: its row id (none yet), the sum of its
    /// live buckets and its newest live bucket (the one a call may join), and the remembered row a count updates
    /// in place (none when the counter is new or was just read afresh).
    /// </summary>
    private readonly record struct LiveWindow(
        long? Id, StrictDecimal Sum, CounterBucket? Newest, SqliteCounterRow? Row);

    /// <summary>
    /// The counters as this connection last read or wrote them, valid while no other connection has committed
    /// (<see cref="_windowsVersion"/>, see <see cref="Begin"/>): a decision then reads nothing, it only writes.
    /// </summary>
    private readonly SqliteRememberedRows _windows = new();

    private long _windowsVersion = -1;

    private readonly Dictionary<CounterId, long> _ids = [];

    /// <summary>
    /// The counter's live window in one read; a second statement only when its oldest bucket has left the window.
    /// Buckets never overlap (a call opens one only after the newest one's width has passed, see
    /// <see cref="WindowArithmetic.Joins"/>), so the ones that left are the oldest: the oldest one tells.
    /// </summary>
    private LiveWindow Load(SqliteCounterStatements statements, CounterId counter, DateTimeOffset now)
    {
        if (Find(statements, counter) is not { } stored)
        {
            return new LiveWindow(null, StrictDecimal.Zero, null, null);
        }

        var cutoff = (now - counter.Window).UtcTicks;
        if (stored.OldestLastTicks is not { } oldestLast || oldestLast > cutoff)
        {
            return new LiveWindow(stored.Id, stored.Sum, stored.Newest, stored);
        }

        var sum = stored.Sum;
        Settle(statements);
        var expired = statements.Expire.With(stored.Id, cutoff);
        try
        {
            while (expired.NextRow())
            {
                sum -= expired.Amount(0);
            }
        }
        finally
        {
            expired.Reset();
        }

        // The head's total says the sum without the deleted buckets at once, so the file is right even when this
        // decision is refused and counts nothing (its transaction still commits: it is a group's). A head that has
        // left too goes (the counter has nothing live): the next call that counts in it makes a new one.
        _windows.Remove(counter);
        CounterBucket? live = null;
        if (stored.Newest is { } newest)
        {
            if (!WindowArithmetic.HasLeft(newest, counter.Window, now))
            {
                live = newest;
                _writes.Head(stored.Id, inFile: true, newest.OpenedTicks, newest.LastTicks, newest.Amount, sum);
            }
            else
            {
                statements.DeleteHead.With(stored.Id).ExecuteNonQuery();
                sum -= newest.Amount;
            }
        }

        return new LiveWindow(stored.Id, sum, live, null);
    }

    /// <summary>
    /// The counter's row: by the id this guard remembers for it, else by its identity. An id is never reused
    /// (AUTOINCREMENT), so a remembered id names this counter or, once it was reset or swept, none.
    /// </summary>
    private SqliteCounterRow? Find(SqliteCounterStatements statements, CounterId counter)
    {
        if (_windows.TryGet(counter, out var known))
        {
            return known;
        }

        Settle(statements);
        if (_ids.TryGetValue(counter, out var id))
        {
            if (Read(statements.WindowById.With(id)) is { } remembered)
            {
                _windows.Set(counter, remembered);
                return remembered;
            }

            _ids.Remove(counter);
        }

        var found = Read(statements.WindowByIdentity.With(Identity(counter)));
        if (found is { } row)
        {
            _ids[counter] = row.Id;
            _windows.Set(counter, row);
        }

        return found;
    }

    /// <summary>
    /// <see cref="Read(SqliteCommand)"/> through a raw statement: a counter read again by its id, once per bucket
    /// that leaves a window, which through a <see cref="SqliteCommand"/> (with the expiry's delete) was about 100k
    /// instructions on the call that met it (bench/HISTORY.md).
    /// </summary>
    private static SqliteCounterRow? Read(SqliteRawStatement select)
    {
        try
        {
            if (!select.NextRow())
            {
                return null;
            }

            if (select.IsNull(2))
            {
                return new SqliteCounterRow(select.Int64(0), StrictDecimal.Zero, null, null);
            }

            var newest = new CounterBucket(select.Int64(2), select.Int64(3), select.Amount(4));
            return new SqliteCounterRow(select.Int64(0), select.Amount(5), select.Int64(1), newest);
        }
        finally
        {
            select.Reset();
        }
    }

    private static SqliteCounterRow? Read(SqliteCommand select)
    {
        using var reader = select.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        if (reader.IsDBNull(2))
        {
            return new SqliteCounterRow(reader.GetInt64(0), StrictDecimal.Zero, null, null);
        }

        var newest = new CounterBucket(reader.GetInt64(2), reader.GetInt64(3), Amount(reader.GetString(4)));
        return new SqliteCounterRow(reader.GetInt64(0), Amount(reader.GetString(5)), reader.GetInt64(1), newest);
    }

    /// <summary>
    /// The counter's live buckets, oldest first: read only for a refusal, to say how long until the call fits.
    /// </summary>
    private List<CounterBucket> LiveBuckets(
        SqliteCounterStatements statements, long id, TimeSpan window, DateTimeOffset now)
    {
        Settle(statements);
        using var reader = statements.Buckets.With(id).ExecuteReader();
        var buckets = new List<CounterBucket>();
        while (reader.Read())
        {
            var bucket = new CounterBucket(reader.GetInt64(0), reader.GetInt64(1), Amount(reader.GetString(2)));
            if (!WindowArithmetic.HasLeft(bucket, window, now))
            {
                buckets.Add(bucket);
            }
        }

        return buckets;
    }
}
