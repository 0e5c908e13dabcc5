using System.Text;
using McpGuard.Policy.Values;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace McpGuard.State;

/// <summary>
/// A statement every decision runs (the transaction's own, the bucket writes), prepared once per connection and
/// run through SQLite's C API: bound by position, stepped, reset. Through <see cref="SqliteCommand"/> each run also
/// looked its parameters up by name, boxed and converted its values and walked the command's statement list: about
/// half of a lone call's time in the store (bench/HISTORY.md); the calls themselves go through
/// <see cref="SqliteNative"/> (SQLitePCLRaw's wrappers cost more than the binds). The few reads a decision may make
/// (a counter read again, its expired buckets deleted) read their rows the same way. Failures throw
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

    /// <summary>Runs a statement without parameters or rows (<c>BEGIN</c>, <c>COMMIT</c>).</summary>
    public void Execute() => Finish(SqliteNative.Step(_handle));

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

    /// <summary>Binds integers to the statement's first parameters (?1, ?2, …) for the next run.</summary>
    public SqliteRawStatement With(long first)
    {
        Bind(SqliteNative.BindInt64(_handle, 1, first));
        return this;
    }

    /// <inheritdoc cref="With(long)"/>
    public SqliteRawStatement With(long first, long second)
    {
        Bind(SqliteNative.BindInt64(_handle, 1, first));
        Bind(SqliteNative.BindInt64(_handle, 2, second));
        return this;
    }

    /// <summary>
    /// Steps a statement that answers rows: true with the next row to read (<see cref="Int64"/>, <see
    /// cref="IsNull"/>, <see cref="Amount"/>), false once it is done, and then it is reset. A statement left before
    /// its end is reset with <see cref="Reset"/> (a statement left stepping would hold its read open).
    /// </summary>
    public bool NextRow()
    {
        var rc = SqliteNative.Step(_handle);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        Finish(rc);
        return false;
    }

    /// <summary>Ends a run before its last row (harmless after the end).</summary>
    public void Reset() => SqliteNative.Reset(_handle);

    public long Int64(int column) => SqliteNative.ColumnInt64(_handle, column);

    public bool IsNull(int column) => SqliteNative.ColumnIsNull(_handle, column);

    /// <summary>An amount as the store keeps it (<see cref="SqliteAmountText"/>), read from its UTF-8 text.</summary>
    public StrictDecimal Amount(int column)
    {
        var text = SqliteNative.ColumnText(_handle, column);
        return StrictDecimal.TryParseUtf8(text, allowExponent: false, out var amount)
            ? amount
            : throw new InvalidDataException(
                $"the state file holds an amount that is not a number: '{Encoding.UTF8.GetString(text)}'");
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
