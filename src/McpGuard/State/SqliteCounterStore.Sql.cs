using McpGuard.Policy;
using Microsoft.Data.Sqlite;

namespace McpGuard.State;

internal sealed partial class SqliteCounterStore
{
    /// <summary>
    /// One row per counter (its identity in columns, <c>per</c> as a JSON array) and one per bucket. Amounts are
    /// exact decimal text, never floating point. Times are UTC ticks.
    /// </summary>
    private void CreateSchema(SqliteConnection connection)
    {
        Execute(connection, null, $"""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA busy_timeout = {(long)_busyTimeout.TotalMilliseconds};
            PRAGMA foreign_keys = ON;
            CREATE TABLE IF NOT EXISTS counters (
                id INTEGER PRIMARY KEY,
                namespace TEXT NOT NULL,
                entry TEXT NOT NULL,
                kind TEXT NOT NULL,
                window_ticks INTEGER NOT NULL,
                per TEXT NOT NULL,
                UNIQUE (namespace, entry, kind, window_ticks, per));
            CREATE TABLE IF NOT EXISTS buckets (
                counter INTEGER NOT NULL REFERENCES counters (id) ON DELETE CASCADE,
                opened INTEGER NOT NULL,
                last INTEGER NOT NULL,
                amount TEXT NOT NULL,
                PRIMARY KEY (counter, opened)) WITHOUT ROWID;
            """);
    }

    private long? FindCounter(SqliteConnection connection, SqliteTransaction transaction, CounterId counter)
    {
        var command = Cached(connection, transaction, "SELECT id FROM counters WHERE namespace = $ns AND entry = $entry AND kind = $kind AND window_ticks = $window AND per = $per");
        Identify(command, counter);
        return command.ExecuteScalar() is long id ? id : null;
    }

    private long InsertCounter(SqliteConnection connection, SqliteTransaction transaction, CounterId counter)
    {
        var command = Cached(connection, transaction, "INSERT INTO counters (namespace, entry, kind, window_ticks, per) VALUES ($ns, $entry, $kind, $window, $per) RETURNING id");
        Identify(command, counter);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The counter's buckets still in the window, oldest first; the ones that left it are deleted on the way.</summary>
    private List<CounterBucket> LiveBuckets(SqliteConnection connection, SqliteTransaction transaction, long id, TimeSpan window, DateTimeOffset now)
    {
        var expire = Cached(connection, transaction, "DELETE FROM buckets WHERE counter = $id AND last <= $cutoff");
        Set(expire, "$id", id);
        Set(expire, "$cutoff", (now - window).UtcTicks);
        expire.ExecuteNonQuery();

        var select = Cached(connection, transaction, "SELECT opened, last, amount FROM buckets WHERE counter = $id ORDER BY opened");
        Set(select, "$id", id);
        using var reader = select.ExecuteReader();
        var buckets = new List<CounterBucket>();
        while (reader.Read())
        {
            buckets.Add(new CounterBucket(reader.GetInt64(0), reader.GetInt64(1), Amount(reader.GetString(2))));
        }

        return buckets;
    }

    /// <summary>Joins the newest bucket (see <see cref="WindowArithmetic.Joins"/>) or opens one; returns the bucket's name.</summary>
    private long AddToNewest(SqliteConnection connection, SqliteTransaction transaction, long id, List<CounterBucket> buckets, CounterDemand demand, DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        if (buckets.Count > 0 && buckets[^1] is var newest && WindowArithmetic.Joins(newest, ticks, demand.Counter.Window))
        {
            var update = Cached(connection, transaction, "UPDATE buckets SET last = $last, amount = $amount WHERE counter = $id AND opened = $opened");
            Set(update, "$last", Math.Max(newest.LastTicks, ticks));
            Set(update, "$amount", (newest.Amount + demand.Amount).ToString());
            Set(update, "$id", id);
            Set(update, "$opened", newest.OpenedTicks);
            update.ExecuteNonQuery();
            return newest.OpenedTicks;
        }

        var insert = Cached(connection, transaction, "INSERT INTO buckets (counter, opened, last, amount) VALUES ($id, $opened, $opened, $amount)");
        Set(insert, "$id", id);
        Set(insert, "$opened", ticks);
        Set(insert, "$amount", demand.Amount.ToString());
        insert.ExecuteNonQuery();
        return ticks;
    }

    private static void TakeBack(SqliteConnection connection, SqliteTransaction transaction, long id, long opened, StrictDecimal amount)
    {
        using var select = Command(connection, transaction, "SELECT amount FROM buckets WHERE counter = $id AND opened = $opened");
        select.Parameters.AddWithValue("$id", id);
        select.Parameters.AddWithValue("$opened", opened);
        if (select.ExecuteScalar() is not string text)
        {
            return; // The bucket has left the window: nothing to give back.
        }

        var left = Amount(text) - amount;
        using var update = Command(connection, transaction, "UPDATE buckets SET amount = $amount WHERE counter = $id AND opened = $opened");
        update.Parameters.AddWithValue("$amount", (left < StrictDecimal.Zero ? StrictDecimal.Zero : left).ToString());
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$opened", opened);
        update.ExecuteNonQuery();
    }

    /// <summary>Deletes every bucket that has left its window, then every counter left without one.</summary>
    private static void Sweep(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now)
    {
        using var command = Command(connection, transaction, """
            DELETE FROM buckets WHERE last <= $now - (SELECT window_ticks FROM counters WHERE counters.id = buckets.counter);
            DELETE FROM counters WHERE NOT EXISTS (SELECT 1 FROM buckets WHERE buckets.counter = counters.id);
            """);
        command.Parameters.AddWithValue("$now", now.UtcTicks);
        command.ExecuteNonQuery();
    }

    private static void Identify(SqliteCommand command, CounterId counter)
    {
        Set(command, "$ns", counter.Namespace);
        Set(command, "$entry", counter.Entry);
        Set(command, "$kind", CounterKinds.Word(counter.Kind));
        Set(command, "$window", counter.Window.Ticks);
        Set(command, "$per", CounterIdentity.PerJson(counter.Per));
    }

    /// <summary>
    /// The statements of a decision, prepared once per connection and reused: preparing each anew cost more than
    /// running it. Used under the store's one-decision-at-a-time gate only; dropped with the connection.
    /// </summary>
    private SqliteCommand Cached(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            _statements[sql] = command = connection.CreateCommand();
            command.CommandText = sql;
        }

        command.Transaction = transaction;
        return command;
    }

    private static void Set(SqliteCommand command, string name, object value)
    {
        if (command.Parameters.Contains(name))
        {
            command.Parameters[name].Value = value;
        }
        else
        {
            command.Parameters.AddWithValue(name, value);
        }
    }

    private static StrictDecimal Amount(string text) =>
        StrictDecimal.TryParseStrict(text, out var amount) ? amount : throw new InvalidDataException($"the state file holds an amount that is not a number: '{text}'");

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
