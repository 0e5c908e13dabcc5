using McpGuard.Policy.Values;
using Microsoft.Data.Sqlite;
using static McpGuard.State.SqliteCounterStore;

namespace McpGuard.State;

/// <summary>
/// The SQLite store's tables (<see cref="SqliteCounterStore"/>): made in a fresh file, an older schema's moved on,
/// a newer one's refused.
/// </summary>
internal static class SqliteCounterSchema
{
    /// <summary>
    /// The schema this guard writes (<c>PRAGMA user_version</c>). 1, unnumbered (user_version 0), had no sums:
    /// every decision read every live bucket, about 0.6 ms for a busy counter. 2 kept each counter's newest bucket
    /// among its older ones, so a lone call's commit wrote the page of that bucket in a table of all buckets, often
    /// two pages (bench/HISTORY.md, issue 27). A file of a newer schema is not touched: the store is unavailable, so
    /// calls that need a counter are denied rather than miscounted.
    /// </summary>
    private const long SchemaVersion = 3;

    /// <summary>
    /// One row per counter in <c>limit_ids</c> (its identity in columns, <c>per</c> as a JSON array), its newest
    /// bucket in <c>limit_heads</c> (one short row per counter, so the counters of a call share a page: a lone call's
    /// commit is one page of log) and its older buckets in <c>limit_tails</c>. The head's <c>total</c> is the
    /// counter's sum over all its buckets, written with it by every call, so a decision never re-adds the buckets
    /// and a counted call writes one row per counter (a tail keeps the total of its time, never read). A call that
    /// opens a bucket moves the head into the tails first. Amounts are exact decimal text, never floating point;
    /// times are UTC ticks. AUTOINCREMENT: an id is never reused, so an id this guard remembers names the same
    /// counter or none.
    /// </summary>
    public static void Create(SqliteConnection connection, TimeSpan busyTimeout)
    {
        // Outside the transaction: the journal mode cannot change inside one. The busy timeout first: two guards
        // opening a fresh file together both switch it to WAL, and without a timeout the one that finds the other's
        // lock failed at once ('database is locked') and denied its first calls. No checkpoint after a commit: it
        // waits for the disk (fsync) on the call path; SqliteCheckpointer runs them on a connection of its own.
        Execute(connection, null, $"""
            PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA wal_autocheckpoint = 0;
            PRAGMA foreign_keys = ON;
            """);

        // Immediate, so two guards that open a fresh (or older-schema) file together build or move it once.
        using var transaction = connection.BeginTransaction(deferred: false);
        var version = (long)Scalar(connection, transaction, "PRAGMA user_version")!;
        if (version > SchemaVersion)
        {
            throw new InvalidDataException(
                $"the state file has schema {version}, written by a newer McpGuard; upgrade this guard");
        }

        if (version < SchemaVersion)
        {
            if (version < 2)
            {
                CreateSecondSchema(connection, transaction);
            }

            MoveSecondSchema(connection, transaction);
            Execute(connection, transaction, $"PRAGMA user_version = {SchemaVersion}");
        }

        transaction.Commit();
    }

    /// <summary>
    /// Schema 2's tables, and a first-schema file's counts moved into them (which <see cref="MoveSecondSchema"/> then
    /// moves on); a fresh file takes the same two steps.
    /// </summary>
    private static void CreateSecondSchema(SqliteConnection connection, SqliteTransaction transaction)
    {
        Execute(connection, transaction, """
            CREATE TABLE IF NOT EXISTS limit_counters (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                namespace TEXT NOT NULL,
                entry TEXT NOT NULL,
                kind TEXT NOT NULL,
                window_ticks INTEGER NOT NULL,
                per TEXT NOT NULL,
                UNIQUE (namespace, entry, kind, window_ticks, per));
            CREATE TABLE IF NOT EXISTS limit_buckets (
                counter INTEGER NOT NULL REFERENCES limit_counters (id) ON DELETE CASCADE,
                opened INTEGER NOT NULL,
                last INTEGER NOT NULL,
                amount TEXT NOT NULL,
                total TEXT NOT NULL,
                PRIMARY KEY (counter, opened)) WITHOUT ROWID;
            """);
        if (IsTable(connection, transaction, "counters") && IsTable(connection, transaction, "buckets"))
        {
            MoveFirstSchema(connection, transaction);
        }

        // Views where the first schema's tables were: a guard of that schema finds them instead of creating
        // tables of its own, fails on its first statement and denies, instead of counting apart from this one.
        Execute(connection, transaction, """
            CREATE VIEW IF NOT EXISTS counters AS SELECT 2 AS state_file_needs_a_newer_mcpguard;
            CREATE VIEW IF NOT EXISTS buckets AS SELECT 2 AS state_file_needs_a_newer_mcpguard;
            """);
    }

    /// <summary>
    /// Schema 2's tables renamed (a name change, the rows stay where they are) and each counter's newest bucket moved
    /// out of its buckets into <c>limit_heads</c>, with its total. Views take the old names: a guard of schema 2 that
    /// is still running, its statements prepared, fails on its next one (<c>no such column</c>, or a view that cannot
    /// be written) and denies, instead of reading a bucket that is no longer the newest; one that starts finds
    /// user_version 3 and refuses the file. (With <c>max(opened)</c> the other columns of a group are SQLite's from
    /// the row holding that maximum: the newest bucket's.)
    /// </summary>
    private static void MoveSecondSchema(SqliteConnection connection, SqliteTransaction transaction)
    {
        Execute(connection, transaction, $"""
            ALTER TABLE limit_counters RENAME TO limit_ids;
            ALTER TABLE limit_buckets RENAME TO limit_tails;
            CREATE TABLE limit_heads (
                counter INTEGER PRIMARY KEY REFERENCES limit_ids (id) ON DELETE CASCADE,
                opened INTEGER NOT NULL,
                last INTEGER NOT NULL,
                amount TEXT NOT NULL,
                total TEXT NOT NULL);
            INSERT INTO limit_heads (counter, opened, last, amount, total)
                SELECT counter, max(opened), last, amount, total FROM limit_tails GROUP BY counter;
            DELETE FROM limit_tails
                WHERE opened = (SELECT h.opened FROM limit_heads h WHERE h.counter = limit_tails.counter);
            CREATE VIEW limit_counters AS SELECT {SchemaVersion} AS state_file_needs_a_newer_mcpguard;
            CREATE VIEW limit_buckets AS SELECT {SchemaVersion} AS state_file_needs_a_newer_mcpguard;
            """);
    }

    /// <summary>
    /// The first schema's counters and buckets, moved into this one's tables with their totals; a budget survives the
    /// upgrade.
    /// </summary>
    private static void MoveFirstSchema(SqliteConnection connection, SqliteTransaction transaction)
    {
        var totals = new Dictionary<long, StrictDecimal>();
        using (var select = Command(connection, transaction, "SELECT counter, amount FROM buckets"))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                totals[id] = totals.GetValueOrDefault(id, StrictDecimal.Zero) + Amount(reader.GetString(1));
            }
        }

        Execute(connection, transaction, """
            INSERT INTO limit_counters (id, namespace, entry, kind, window_ticks, per)
                SELECT id, namespace, entry, kind, window_ticks, per FROM counters;
            INSERT INTO limit_buckets (counter, opened, last, amount, total)
                SELECT counter, opened, last, amount, '0' FROM buckets;
            DROP TABLE buckets;
            DROP TABLE counters;
            """);
        using var update = Command(
            connection, transaction, "UPDATE limit_buckets SET total = $total WHERE counter = $counter");
        var counter = update.Parameters.Add(new SqliteParameter { ParameterName = "$counter" });
        var total = update.Parameters.Add(new SqliteParameter { ParameterName = "$total" });
        foreach (var (id, sum) in totals)
        {
            (counter.Value, total.Value) = (id, sum.ToString());
            update.ExecuteNonQuery();
        }
    }

    private static bool IsTable(SqliteConnection connection, SqliteTransaction transaction, string name)
    {
        using var command = Command(
            connection, transaction, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = $name");
        command.Parameters.AddWithValue("$name", name);
        return (long)command.ExecuteScalar()! > 0;
    }
}
