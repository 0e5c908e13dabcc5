using System.Runtime.CompilerServices;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using Microsoft.Data.Sqlite;

namespace McpGuard.State;

internal sealed partial class SqliteCounterStore
{
    /// <summary>
    /// A counter as a decision sees it, after its expired buckets were deleted: its row id (none yet), the sum of its
    /// live buckets and its newest live bucket (the one a call may join), and the remembered row a count updates
    /// in place (none when the counter is new or was just read afresh).
    /// </summary>
    private readonly record struct LiveWindow(
        long? Id, StrictDecimal Sum, CounterBucket? Newest, SqliteCounterRow? Row);

    /// <summary>A decision's live windows on the stack: a call has at most three counters.</summary>
    [InlineArray(Length)]
    private struct FewLiveWindows
    {
        public const int Length = 4;

        private LiveWindow _first;
    }

    /// <summary>
    /// The counters as this connection last read or wrote them, valid while no other connection has committed
    /// (<see cref="_windowsVersion"/>, see <see cref="Begin"/>): a decision then reads nothing, it only writes.
    /// </summary>
    private readonly Dictionary<CounterId, SqliteCounterRow> _windows = [];

    /// <summary>
    /// The open transaction's bucket writes, made at its commit (see <see cref="SqliteBucketWrites"/>).
    /// </summary>
    private readonly SqliteBucketWrites _writes = new();

    private long _windowsVersion = -1;

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
        using (var expired = statements.Expire.With(stored.Id, cutoff).ExecuteReader())
        {
            while (expired.Read())
            {
                sum -= Amount(expired.GetString(0));
            }
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
        if (_windows.TryGetValue(counter, out var known))
        {
            return known;
        }

        Settle(statements);
        if (_ids.TryGetValue(counter, out var id))
        {
            if (Read(statements.WindowById.With(id)) is { } remembered)
            {
                _windows[counter] = remembered;
                return remembered;
            }

            _ids.Remove(counter);
        }

        var found = Read(statements.WindowByIdentity.With(Identity(counter)));
        if (found is { } row)
        {
            _ids[counter] = row.Id;
            _windows[counter] = row;
        }

        return found;
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

    /// <summary>
    /// Counts the demand in one write: joins the head (see <see cref="WindowArithmetic.Joins"/>) or opens a new one,
    /// with the counter's new total, the old head moved down into the older buckets; returns the bucket's name. The
    /// counter's remembered row is changed in place for the next decision of this transaction or of the next one.
    /// </summary>
    private long Add(SqliteCounterStatements statements, LiveWindow live, CounterDemand demand, DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        var sum = live.Sum + demand.Amount;
        var row = live.Row;
        if (live.Id is not { } id)
        {
            id = (long)statements.InsertCounter.With(Identity(demand.Counter)).ExecuteScalar()!;
            _made.Add((demand.Counter, id));
        }
        else if (live.Newest is { } newest)
        {
            if (WindowArithmetic.Joins(newest, ticks, demand.Counter.Window))
            {
                var joined = new CounterBucket(
                    newest.OpenedTicks, Math.Max(newest.LastTicks, ticks), newest.Amount + demand.Amount);
                if (row is not null)
                {
                    _writes.Head(row, inFile: true, joined.OpenedTicks, joined.LastTicks, joined.Amount, sum);

                    // The oldest bucket's end stays as read (when the newest is the oldest, its end is now later): at
                    // worst a later decision looks for expired buckets one time too many and finds none.
                    row.Sum = sum;
                    row.OldestLastTicks ??= joined.LastTicks;
                    row.Newest = joined;
                }
                else
                {
                    _writes.Head(id, inFile: true, joined.OpenedTicks, joined.LastTicks, joined.Amount, sum);
                }

                return newest.OpenedTicks;
            }

            // The head as it was, total included, becomes the newest of the older buckets.
            _writes.Tail(id, newest.OpenedTicks, newest.LastTicks, newest.Amount, live.Sum);
        }

        // A head in the file (it is moved down, and this one written over it) or none yet (it is inserted).
        var inFile = live.Newest is not null;
        var opened = new CounterBucket(ticks, ticks, demand.Amount);
        if (row is not null)
        {
            _writes.Head(row, inFile, ticks, ticks, demand.Amount, sum);
            row.Sum = sum;
            row.OldestLastTicks ??= ticks;
            row.Newest = opened;
        }
        else if (live.Id is null)
        {
            row = new SqliteCounterRow(id, sum, ticks, opened);
            _writes.Head(row, inFile: false, ticks, ticks, demand.Amount, sum);
            _windows[demand.Counter] = row;
        }
        else
        {
            _writes.Head(id, inFile, ticks, ticks, demand.Amount, sum);
        }

        return ticks;
    }

    /// <summary>Writes the transaction's pending bucket writes before a statement reads or deletes buckets.</summary>
    private void Settle(SqliteCounterStatements statements)
    {
        if (!_writes.IsEmpty)
        {
            _writes.Flush(statements);
        }
    }

    /// <summary>
    /// Takes an amount back out of the bucket it was counted in, and out of the total (the head's); nothing when that
    /// bucket has left.
    /// </summary>
    private static void TakeBack(
        SqliteCounterStatements statements, SqliteCounterRow stored, long opened, StrictDecimal amount)
    {
        if (stored.Newest is not { } newest)
        {
            return;
        }

        if (opened == newest.OpenedTicks)
        {
            var fromHead = amount <= newest.Amount ? amount : newest.Amount;
            statements.UpdateHead.Execute(
                stored.Id, opened, newest.LastTicks, newest.Amount - fromHead, stored.Sum - fromHead);
            return;
        }

        long last;
        StrictDecimal bucket;
        StrictDecimal total;
        using (var reader = statements.Tail.With(stored.Id, opened).ExecuteReader())
        {
            if (!reader.Read())
            {
                return;
            }

            (last, bucket, total) = (reader.GetInt64(0), Amount(reader.GetString(1)), Amount(reader.GetString(2)));
        }

        var taken = amount <= bucket ? amount : bucket;
        statements.UpdateTail.Execute(stored.Id, opened, last, bucket - taken, total);
        statements.UpdateHead.Execute(
            stored.Id, newest.OpenedTicks, newest.LastTicks, newest.Amount, stored.Sum - taken);
    }

    /// <summary>
    /// Deletes every counter whose buckets have all left their window (its buckets go with it), and forgets those
    /// of them this connection remembers. A live counter's old buckets are left to the next decision that touches
    /// it, which takes them out of its sum too. The other remembered windows still hold: forgetting all of them made
    /// the decision after each sweep read every counter it needs again (bench/HISTORY.md, issue 27, eighth session).
    /// </summary>
    private void Sweep(SqliteCounterStatements statements, DateTimeOffset now)
    {
        Settle(statements);
        HashSet<long>? swept = null;
        using (var reader = statements.Sweep.With(now.UtcTicks).ExecuteReader())
        {
            while (reader.Read())
            {
                (swept ??= []).Add(reader.GetInt64(0));
            }
        }

        if (swept is null)
        {
            return;
        }

        List<CounterId>? forget = null;
        foreach (var (counter, window) in _windows)
        {
            if (swept.Contains(window.Id))
            {
                (forget ??= []).Add(counter);
            }
        }

        foreach (var counter in forget ?? [])
        {
            _windows.Remove(counter);
        }
    }

    /// <summary>
    /// The identity columns, in the order the statements name them: namespace, entry, kind, window, per.
    /// </summary>
    private static object[] Identity(CounterId counter) =>
        [
            counter.Namespace,
            counter.Entry,
            CounterKinds.Word(counter.Kind),
            counter.Window.Ticks,
            CounterIdentity.PerJson(counter.Per),
        ];

    private static StrictDecimal Amount(string text) =>
        StrictDecimal.TryParseStrict(text, out var amount)
            ? amount
            : throw new InvalidDataException($"the state file holds an amount that is not a number: '{text}'");

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }
}
