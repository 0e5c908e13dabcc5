using McpGuard.Home;
using Microsoft.Data.Sqlite;

namespace McpGuard.State;

// The connection: opened (file and schema made) on first use, dropped after a failure.
internal sealed partial class SqliteCounterStore
{
    private SqliteConnection? _connection;

    private SqliteCounterStatements? _statements;

    /// <summary>
    /// The open connection, opening it (and creating the file and schema) on first use or after a failure.
    /// </summary>
    private SqliteCounterStatements Open()
    {
        if (_statements is { } statements)
        {
            return statements;
        }

        McpGuardHome.EnsureDirectoryOf(_path);
        UserOnlyFiles.Prepare(_path);
        SqliteNative.UseMultiThreadMode();
        SqliteFrameWrites.Install();

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(_busyTimeout.TotalSeconds)),
        }.ToString());
        try
        {
            connection.Open();
            SqliteCounterSchema.Create(connection, _busyTimeout);
            _checkpointer.Watch(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        _statements = new SqliteCounterStatements(connection);
        _untilSweep = 0;
        return _statements;
    }

    /// <summary>
    /// Drops the connection (the next transaction opens it again) and forgets the ids and windows: the file may be
    /// another one then.
    /// </summary>
    private void Reset()
    {
        _statements?.Dispose();
        _statements = null;
        _ids.Clear();
        _windows.Clear();
        _writes.Clear();
        _windowsVersion = -1;
        _connection?.Dispose();
        _connection = null;
    }
}
