using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;

namespace McpGuard.State;

// Writing counts: a demand counted in its head bucket, the pending writes settled, a count taken back.
internal sealed partial class SqliteCounterStore
{
    /// <summary>
    /// The open transaction's bucket writes, made at its commit (see <see cref="SqliteBucketWrites"/>).
    /// </summary>
    private readonly SqliteBucketWrites _writes = new();

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
            _windows.Set(demand.Counter, row);
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
}
