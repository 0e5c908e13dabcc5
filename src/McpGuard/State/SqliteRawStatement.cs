using McpGuard.Policy.Values;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace McpGuard.State;

/// <summary>
/// A statement every decision runs (the transaction's own, the bucket writes), prepared once per connection and
/// run through SQLite's C API: bound by position, stepped, reset. Through <see cref="SqliteCommand"/> each run also
/// looked its parameters up by name, boxed and converted its values and walked the command's statement list: about
/// half of a lone call's time in the store (bench/HISTORY.md); the calls themselves go through
/// <see cref="SqliteNative"/> (SQLitePCLRaw's wrappers cost more than the binds). Failures throw
/// <see cref="SqliteException"/>, as the commands do; the connection's <c>busy_timeout</c> waits for another guard's
/// lock as it does for them.
/// </summary>
internal sealed class SqliteRawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    /// <summary>The prepared statement's pointer, for <see cref="SqliteNative"/>; valid until disposed.</summary>
    private readonly nint _handle;

    public SqliteRawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
        _handle = _statement.DangerousGetHandle();
    }

    /// <summary>
    /// Runs a statement without parameters or rows (<c>BEGIN</c>, <c>COMMIT</c>, <c>ROLLBACK</c>), its lock calls
    /// joined (<see cref="SqliteLockCalls"/>).
    /// </summary>
    public void Execute() => Finish(SqliteLockCalls.Run(_handle));

    /// <summary>Runs a bucket write: counter, opened, last, amount, total (the statement's ?1 to ?5).</summary>
    public void Execute(long counter, long opened, long last, StrictDecimal amount, StrictDecimal total)
    {
        Bind(SqliteNative.BindInt64(_handle, 1, counter));
        Bind(SqliteNative.BindInt64(_handle, 2, opened));
        Bind(SqliteNative.BindInt64(_handle, 3, last));
        Bind(SqliteNative.BindAmount(_handle, 4, amount));
        Bind(SqliteNative.BindAmount(_handle, 5, total));
        Finish(SqliteNative.Step(_handle));
    }

    public void Dispose() => _statement.Dispose();

    private void Bind(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteNative.Reset(_handle);
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    /// <summary>
    /// Resets the statement after its last step (a statement left stepping would hold its read open), and throws
    /// unless that step ended it.
    /// </summary>
    private void Finish(int rc)
    {
        SqliteNative.Reset(_handle);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc == raw.SQLITE_ROW ? raw.SQLITE_MISUSE : rc, _db);
        }
    }
}
