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
    // A counter's row with its oldest bucket's end (the head's when it has no tails) and its newest bucket (whose total
    // is the counter's sum): all a decision reads when the call fits.
    private const string Window = """
        SELECT c.id, coalesce((SELECT last FROM limit_tails WHERE counter = c.id ORDER BY opened LIMIT 1), h.last),
            h.opened, h.last, h.amount, h.total
        FROM limit_ids c
        LEFT JOIN limit_heads h ON h.counter = c.id
        """;

    public SqliteRawStatement Begin { get; } = new(connection, "BEGIN IMMEDIATE");

    public SqliteRawStatement Commit { get; } = new(connection, "COMMIT");

    public SqliteRawStatement Rollback { get; } = new(connection, "ROLLBACK");

    /// <summary>The connection's pointer, for <see cref="SqliteNative"/>; valid while the connection is open.</summary>
    private readonly nint _database = connection.Handle!.DangerousGetHandle();

    /// <summary>A counter's row by its id (?1): read again after another guard committed or a bucket left.</summary>
    public SqliteRawStatement WindowById { get; } = new(connection, Window + " WHERE c.id = ?1");

    public SqliteStatement WindowByIdentity { get; } = new(
        connection,
        Window + " WHERE c.namespace = $ns AND c.entry = $entry AND c.kind = $kind"
            + " AND c.window_ticks = $window AND c.per = $per",
        "$ns", "$entry", "$kind", "$window", "$per");

    /// <summary>
    /// Deletes the older buckets of counter ?1 that have left the window (ended by ?2) and answers their amounts.
    /// <c>opened</c> first: the primary key finds them.
    /// </summary>
    public SqliteRawStatement Expire { get; } = new(
        connection, "DELETE FROM limit_tails WHERE counter = ?1 AND opened <= ?2 AND last <= ?2 RETURNING amount");

    /// <summary>Deletes a counter's newest bucket, once it has left the window (its older ones went before).</summary>
    public SqliteStatement DeleteHead { get; } = new(
        connection, "DELETE FROM limit_heads WHERE counter = $id", "$id");

    /// <summary>A counter's buckets, oldest first: its tails, then its head.</summary>
    public SqliteStatement Buckets { get; } = new(
        connection, """
            SELECT opened, last, amount FROM limit_tails WHERE counter = $id
            UNION ALL SELECT opened, last, amount FROM limit_heads WHERE counter = $id
            ORDER BY opened
            """, "$id");

    /// <summary>
    /// Deletes every counter whose buckets have all left its window (its buckets go with it) and answers their ids.
    /// The head is the newest bucket: its end is the latest but for a counter left without one.
    /// </summary>
    public SqliteStatement Sweep { get; } = new(connection, """
        DELETE FROM limit_ids WHERE NOT EXISTS (
                SELECT 1 FROM limit_heads h WHERE h.counter = limit_ids.id AND h.last > $now - limit_ids.window_ticks)
            AND NOT EXISTS (
                SELECT 1 FROM limit_tails t WHERE t.counter = limit_ids.id AND t.last > $now - limit_ids.window_ticks)
        RETURNING id
        """, "$now");

    /// <summary>An older bucket of a counter, for a give-back.</summary>
    public SqliteStatement Tail { get; } = new(
        connection,
        "SELECT last, amount, total FROM limit_tails WHERE counter = $id AND opened = $opened",
        "$id", "$opened");

    public SqliteStatement InsertCounter { get; } = new(
        connection,
        "INSERT INTO limit_ids (namespace, entry, kind, window_ticks, per)"
            + " VALUES ($ns, $entry, $kind, $window, $per) RETURNING id",
        "$ns", "$entry", "$kind", "$window", "$per");

    /// <summary>A head moved down into the older buckets: counter, opened, last, amount, total.</summary>
    public SqliteRawStatement InsertTail { get; } = new(
        connection, "INSERT INTO limit_tails (counter, opened, last, amount, total) VALUES (?1, ?2, ?3, ?4, ?5)");

    /// <summary>An older bucket's new end, amount and total, named by counter and opened: the insert's order.</summary>
    public SqliteRawStatement UpdateTail { get; } = new(
        connection, "UPDATE limit_tails SET last = ?3, amount = ?4, total = ?5 WHERE counter = ?1 AND opened = ?2");

    /// <summary>A counter's first head (new, or its last one left): counter, opened, last, amount, total.</summary>
    public SqliteRawStatement InsertHead { get; } = new(
        connection, "INSERT INTO limit_heads (counter, opened, last, amount, total) VALUES (?1, ?2, ?3, ?4, ?5)");

    /// <summary>
    /// A counter's head as a call left it: joined (a new end, amount and total) or opened anew (a new <c>opened</c>
    /// too, once the old head was moved into the tails). The insert's order.
    /// </summary>
    public SqliteRawStatement UpdateHead { get; } = new(
        connection,
        "UPDATE limit_heads SET opened = ?2, last = ?3, amount = ?4, total = ?5 WHERE counter = ?1");

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
            Begin, Commit, Rollback, WindowById, WindowByIdentity, Expire, DeleteHead, Buckets, Sweep, Tail,
            InsertCounter, InsertTail, UpdateTail, InsertHead, UpdateHead])
        {
            statement.Dispose();
        }
    }
}
