using Microsoft.Data.Sqlite;

namespace McpGuard.State;

/// <summary>
/// One SQL statement of the SQLite store, made once per connection and run many times: Microsoft.Data.Sqlite keeps
/// it prepared while its text is unchanged, and its parameters are made once and set by position (looking them up
/// by name on every call cost more than running the statement).
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;

    public SqliteStatement(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        _command = connection.CreateCommand();
        _command.CommandText = sql;
        _parameters =
            [.. parameterNames.Select(name => _command.Parameters.Add(new SqliteParameter { ParameterName = name }))];
    }

    /// <summary>
    /// The command with its parameters set, in the order they were named. Never in a <see cref="SqliteTransaction"/>:
    /// the store's transactions are statements too (<see cref="SqliteCounterStatements.Begin"/>).
    /// </summary>
    public SqliteCommand With(params ReadOnlySpan<object> values)
    {
        if (values.Length != _parameters.Length)
        {
            throw new ArgumentException(
                $"the statement takes {_parameters.Length} values, not {values.Length}", nameof(values));
        }

        for (var i = 0; i < values.Length; i++)
        {
            _parameters[i].Value = values[i];
        }

        return _command;
    }

    public void Dispose() => _command.Dispose();
}
