using Microsoft.Data.Sqlite;

namespace McpGuard.State;

/// <summary>
/// The statements of the SQLite store's decisions and give-backs, made once per connection (see
/// <see cref="SqliteStatement"/>). Used under the store's one-decision-at-a-time gate only; disposed with the connection.
/// </summary>
internal sealed class SqliteCounterStatements(SqliteConnection connection) : IDisposable
{
    // A counter's row with its oldest bucket's end and its newest bucket: all a decision reads when the call fits.
    private const string Window = """
        SELECT c.id, c.sum, (SELECT last FROM limit_buckets WHERE counter = c.id ORDER BY opened LIMIT 1), n.opened, n.last, n.amount
        FROM limit_counters c
        LEFT JOIN limit_buckets n ON n.counter = c.id AND n.opened = (SELECT max(opened) FROM limit_buckets WHERE counter = c.id)
        """;

    public SqliteStatement WindowById { get; } = new(connection, Window + " WHERE c.id = $id", "$id");

    public SqliteStatement WindowByIdentity { get; } = new(connection, Window + " WHERE c.namespace = $ns AND c.entry = $entry AND c.kind = $kind AND c.window_ticks = $window AND c.per = $per", "$ns", "$entry", "$kind", "$window", "$per");

    /// <summary>Deletes the buckets that have left the window and answers their amounts. <c>opened</c> first: the primary key finds them.</summary>
    public SqliteStatement Expire { get; } = new(connection, "DELETE FROM limit_buckets WHERE counter = $id AND opened <= $cutoff AND last <= $cutoff RETURNING amount", "$id", "$cutoff");

    public SqliteStatement Buckets { get; } = new(connection, "SELECT opened, last, amount FROM limit_buckets WHERE counter = $id ORDER BY opened", "$id");

    public SqliteStatement InsertCounter { get; } = new(connection, "INSERT INTO limit_counters (namespace, entry, kind, window_ticks, per, sum) VALUES ($ns, $entry, $kind, $window, $per, $sum) RETURNING id", "$ns", "$entry", "$kind", "$window", "$per", "$sum");

    public SqliteStatement InsertBucket { get; } = new(connection, "INSERT INTO limit_buckets (counter, opened, last, amount) VALUES ($id, $opened, $opened, $amount)", "$id", "$opened", "$amount");

    public SqliteStatement UpdateBucket { get; } = new(connection, "UPDATE limit_buckets SET last = $last, amount = $amount WHERE counter = $id AND opened = $opened", "$id", "$opened", "$last", "$amount");

    public SqliteStatement SetSum { get; } = new(connection, "UPDATE limit_counters SET sum = $sum WHERE id = $id", "$id", "$sum");

    public SqliteStatement BucketAndSum { get; } = new(connection, "SELECT b.last, b.amount, c.sum FROM limit_buckets b JOIN limit_counters c ON c.id = b.counter WHERE b.counter = $id AND b.opened = $opened", "$id", "$opened");

    public void Dispose()
    {
        foreach (var statement in (SqliteStatement[])[WindowById, WindowByIdentity, Expire, Buckets, InsertCounter, InsertBucket, UpdateBucket, SetSum, BucketAndSum])
        {
            statement.Dispose();
        }
    }
}
