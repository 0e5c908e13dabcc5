using Microsoft.Data.Sqlite;

namespace McpGuard.State;

/// <summary>
/// The statements of the SQLite store's decisions and give-backs, made once per connection (see
/// <see cref="SqliteStatement"/>; the ones every decision runs are <see cref="SqliteRawStatement"/>s). The
/// transaction too is statements of its own: Microsoft.Data.Sqlite's <see cref="SqliteTransaction"/> prepares
/// <c>BEGIN</c> and <c>COMMIT</c> anew each time, which cost about as much as a decision's reads. Used under the
/// store's one-decision-at-a-time gate only; disposed with the connection.
/// </summary>
internal sealed class SqliteCounterStatements(SqliteConnection connection) : IDisposable
{
    // A counter's row with its oldest bucket's end and its newest bucket (whose total is the counter's sum): all a
    // decision reads when the call fits.
    private const string Window = """
        SELECT c.id, (SELECT last FROM limit_buckets WHERE counter = c.id ORDER BY opened LIMIT 1),
            n.opened, n.last, n.amount, n.total
        FROM limit_counters c
        LEFT JOIN limit_buckets n
            ON n.counter = c.id AND n.opened = (SELECT max(opened) FROM limit_buckets WHERE counter = c.id)
        """;

    public SqliteRawStatement Begin { get; } = new(connection, "BEGIN IMMEDIATE");

    public SqliteRawStatement Commit { get; } = new(connection, "COMMIT");

    public SqliteRawStatement Rollback { get; } = new(connection, "ROLLBACK");

    /// <summary>The connection's pointer, for <see cref="SqliteNative"/>; valid while the connection is open.</summary>
    private readonly nint _database = connection.Handle!.DangerousGetHandle();

    public SqliteStatement WindowById { get; } = new(connection, Window + " WHERE c.id = $id", "$id");

    public SqliteStatement WindowByIdentity { get; } = new(
        connection,
        Window + " WHERE c.namespace = $ns AND c.entry = $entry AND c.kind = $kind"
            + " AND c.window_ticks = $window AND c.per = $per",
        "$ns", "$entry", "$kind", "$window", "$per");

    /// <summary>
    /// Deletes the buckets that have left the window and answers their amounts. <c>opened</c> first: the primary key
    /// finds them.
    /// </summary>
    public SqliteStatement Expire { get; } = new(
        connection,
        "DELETE FROM limit_buckets WHERE counter = $id AND opened <= $cutoff AND last <= $cutoff RETURNING amount",
        "$id", "$cutoff");

    public SqliteStatement Buckets { get; } = new(
        connection, "SELECT opened, last, amount FROM limit_buckets WHERE counter = $id ORDER BY opened", "$id");

    /// <summary>
    /// Deletes every counter whose buckets have all left its window (its buckets go with it) and answers their ids.
    /// </summary>
    public SqliteStatement Sweep { get; } = new(connection, """
        DELETE FROM limit_counters WHERE NOT EXISTS (
            SELECT 1 FROM limit_buckets b
            WHERE b.counter = limit_counters.id AND b.last > $now - limit_counters.window_ticks)
        RETURNING id
        """, "$now");

    public SqliteStatement Bucket { get; } = new(
        connection,
        "SELECT last, amount, total FROM limit_buckets WHERE counter = $id AND opened = $opened",
        "$id", "$opened");

    public SqliteStatement InsertCounter { get; } = new(
        connection,
        "INSERT INTO limit_counters (namespace, entry, kind, window_ticks, per)"
            + " VALUES ($ns, $entry, $kind, $window, $per) RETURNING id",
        "$ns", "$entry", "$kind", "$window", "$per");

    /// <summary>A new bucket: counter, opened, last, amount, total.</summary>
    public SqliteRawStatement InsertBucket { get; } = new(
        connection, "INSERT INTO limit_buckets (counter, opened, last, amount, total) VALUES (?1, ?2, ?3, ?4, ?5)");

    /// <summary>A bucket's new end, amount and total, named by counter and opened: the insert's order.</summary>
    public SqliteRawStatement UpdateBucket { get; } = new(
        connection, "UPDATE limit_buckets SET last = ?3, amount = ?4, total = ?5 WHERE counter = ?1 AND opened = ?2");

    /// <summary>
    /// The file's data version as this connection last saw it: changed by each commit of this connection and, from
    /// the next transaction's start, by any other connection's (SQLITE_FCNTL_DATA_VERSION); -1 when unknown. A
    /// field read, not a statement: <c>PRAGMA data_version</c> was a statement stepped twice and reset in every
    /// transaction.
    /// </summary>
    public long DataVersion() => SqliteNative.DataVersion(_database);

    public void Dispose()
    {
        foreach (var statement in (IDisposable[])[
            Begin, Commit, Rollback, WindowById, WindowByIdentity, Expire, Buckets, Sweep, Bucket, InsertCounter,
            InsertBucket, UpdateBucket])
        {
            statement.Dispose();
        }
    }
}
