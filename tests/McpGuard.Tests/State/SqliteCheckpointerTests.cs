using McpGuard.State;
using McpGuard.Tests.TestUtils;
using Microsoft.Data.Sqlite;

namespace McpGuard.Tests.State;

/// <summary>
/// When the checkpointer holds the store (docs/limits.md#cost): after every round of lone commits, so that the
/// log starts again while it is short; after group commits only once the log is long.
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private const int Round = 400;

    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("state.db");

    [Fact]
    public async Task RoundOfLoneCommits_HoldsTheStore_AndTheNextCommitStartsTheLogAgain()
    {
        using var writer = OpenWriter();
        var held = 0;
        var checkpointer = new SqliteCheckpointer(DatabasePath, TimeSpan.FromSeconds(10), action =>
        {
            held++;
            action();
            return true;
        });
        for (var i = 0; i < Round; i++)
        {
            Commit(writer, i);
            checkpointer.Committed(alone: true);
        }

        // Disposing waits for the round's checkpoint.
        await checkpointer.DisposeAsync();
        Commit(writer, Round);

        Assert.Equal(1, held);
        Assert.Equal(1, LogFrames(writer));
    }

    [Fact]
    public async Task RoundWithAGroupCommit_ShortLog_DoesNotHoldTheStore()
    {
        using var writer = OpenWriter();
        var held = 0;
        var checkpointer = new SqliteCheckpointer(DatabasePath, TimeSpan.FromSeconds(10), action =>
        {
            held++;
            action();
            return true;
        });
        for (var i = 0; i < Round; i++)
        {
            Commit(writer, i);
            checkpointer.Committed(alone: i != Round / 2);
        }

        await checkpointer.DisposeAsync();

        Assert.Equal(0, held);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private SqliteConnection OpenWriter()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            PRAGMA wal_autocheckpoint = 0;
            CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);
            INSERT INTO t VALUES (1, 0);
            """);
        return connection;
    }

    /// <summary>One transaction that rewrites the same page, as a lone decision does.</summary>
    private static void Commit(SqliteConnection connection, int value) =>
        Execute(connection, $"UPDATE t SET v = {value} WHERE id = 1");

    /// <summary>The frames in the log (a checkpoint that finds nothing new to copy copies nothing).</summary>
    private static long LogFrames(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return reader.GetInt64(1);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
