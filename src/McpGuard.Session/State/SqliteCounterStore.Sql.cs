using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using Microsoft.Data.Sqlite;

namespace McpGuard.State;

// Small SQL helpers: identity columns, amounts as text, one-off commands.
internal sealed partial class SqliteCounterStore
{
    /// <summary>
    /// The identity columns, in the order the statements name them: namespace, entry, kind, window, per.
    /// </summary>
    private static object[] Identity(CounterId counter) =>
        [
            counter.Namespace,
            counter.Entry,
            CounterKinds.Word(counter.Kind),
            counter.Window.Ticks,
            CounterIdentity.PerJson(counter.Per),
        ];

    internal static StrictDecimal Amount(string text) =>
        StrictDecimal.TryParseStrict(text, out var amount)
            ? amount
            : throw new InvalidDataException($"the state file holds an amount that is not a number: '{text}'");

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    internal static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    internal static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        return command.ExecuteScalar();
    }
}
