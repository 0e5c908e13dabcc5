using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.State;
using McpGuard.Tests.TestUtils;
using Microsoft.Data.Sqlite;

namespace McpGuard.Tests.State;

/// <summary>
/// The SQLite file's schema (docs/limits.md#sqlite-file): a first-schema file is moved over with its counts, a newer
/// one is left alone.
/// </summary>
public sealed class SqliteCounterStoreSchemaTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly CounterDemand s_budget = new(
        new CounterId("ns", "tools.b", CounterKind.Budget, TimeSpan.FromDays(1), []), Parse("0.2"), Parse("0.5"));

    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => _directory.File("state.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task TryCount_FirstSchemaFile_KeepsItsCountsAndLocksOutFirstSchemaGuards()
    {
        // A file as the first schema wrote it: 0.2 + 0.15 of a 0.5 budget counted, in two buckets.
        var secondOpened = (s_start + TimeSpan.FromHours(1)).UtcTicks;
        Execute("""
            CREATE TABLE counters (id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, entry TEXT NOT NULL, kind TEXT NOT NULL,
                window_ticks INTEGER NOT NULL, per TEXT NOT NULL, UNIQUE (namespace, entry, kind, window_ticks, per));
            CREATE TABLE buckets (counter INTEGER NOT NULL REFERENCES counters (id) ON DELETE CASCADE, opened INTEGER NOT NULL,
                last INTEGER NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (counter, opened)) WITHOUT ROWID;
            """ + $"""
            INSERT INTO counters VALUES (7, 'ns', 'tools.b', 'budget', {TimeSpan.FromDays(1).Ticks}, '[]');
            INSERT INTO buckets VALUES (7, {s_start.UtcTicks}, {s_start.UtcTicks}, '0.2');
            INSERT INTO buckets VALUES (7, {secondOpened}, {secondOpened}, '0.15');
            """);
        var store = new SqliteCounterStore(DatabasePath, TimeSpan.FromSeconds(10), DatabasePath);
        try
        {
            var later = s_start + TimeSpan.FromHours(2);
            Assert.IsType<CountOutcome.Refused>(await store.TryCountAsync([s_budget], later, Ct));
            Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync([s_budget with { Amount = Parse("0.15") }], later, Ct));
            Assert.IsType<CountOutcome.Refused>(
                await store.TryCountAsync([s_budget with { Amount = Parse("0.000001") }], later, Ct));
        }
        finally
        {
            await store.DisposeAsync();
        }

        // What a first-schema guard runs on its first decision now fails (it denies) instead of counting apart.
        var failure = Assert.Throws<SqliteException>(() => Execute("SELECT id FROM counters WHERE namespace = 'ns'"));
        Assert.Contains("no such column", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryCount_FileOfANewerSchema_IsUnavailableAndUntouched()
    {
        Execute("PRAGMA user_version = 99; CREATE TABLE future (x);");
        var store = new SqliteCounterStore(DatabasePath, TimeSpan.FromSeconds(10), DatabasePath);
        try
        {
            var outcome = Assert.IsType<CountOutcome.Unavailable>(await store.TryCountAsync([s_budget], s_start, Ct));

            Assert.Contains("schema 99", outcome.Why, StringComparison.Ordinal);
            Assert.Equal(0L, Scalar("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'limit_%'"));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    private static StrictDecimal Parse(string text) =>
        StrictDecimal.TryParseStrict(text, out var value) ? value : throw new ArgumentException(text);

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
