using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.State;
using McpGuard.Tests.TestUtils;
using Microsoft.Data.Sqlite;

namespace McpGuard.Tests.State;

/// <summary>
/// The SQLite file's schema (docs/limits.md#sqlite-file): a first- or second-schema file is moved over with its
/// counts and its older guards are locked out, a newer one is left alone.
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
            CREATE TABLE counters (id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, entry TEXT NOT NULL,
                kind TEXT NOT NULL, window_ticks INTEGER NOT NULL, per TEXT NOT NULL,
                UNIQUE (namespace, entry, kind, window_ticks, per));
            CREATE TABLE buckets (counter INTEGER NOT NULL REFERENCES counters (id) ON DELETE CASCADE,
                opened INTEGER NOT NULL, last INTEGER NOT NULL, amount TEXT NOT NULL,
                PRIMARY KEY (counter, opened)) WITHOUT ROWID;
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
    public async Task TryCount_FirstSchemaFile_EndsInSchemaThreeWithItsCountersHeads()
    {
        Execute($"""
            CREATE TABLE counters (id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, entry TEXT NOT NULL,
                kind TEXT NOT NULL, window_ticks INTEGER NOT NULL, per TEXT NOT NULL,
                UNIQUE (namespace, entry, kind, window_ticks, per));
            CREATE TABLE buckets (counter INTEGER NOT NULL REFERENCES counters (id) ON DELETE CASCADE,
                opened INTEGER NOT NULL, last INTEGER NOT NULL, amount TEXT NOT NULL,
                PRIMARY KEY (counter, opened)) WITHOUT ROWID;
            INSERT INTO counters VALUES (7, 'ns', 'tools.b', 'budget', {TimeSpan.FromDays(1).Ticks}, '[]');
            INSERT INTO buckets VALUES (7, {s_start.UtcTicks}, {s_start.UtcTicks}, '0.2');
            INSERT INTO buckets VALUES (7, {s_start.UtcTicks + 1}, {s_start.UtcTicks + 1}, '0.15');
            """);
        await using (var store = new SqliteCounterStore(DatabasePath, TimeSpan.FromSeconds(10), DatabasePath))
        {
            var reading = Assert.Single(await store.ReadAsync("ns", s_start, Ct));
            Assert.Equal(Parse("0.35"), reading.Used);
        }

        Assert.Equal(3L, Scalar("PRAGMA user_version"));
        Assert.Equal("0.15 0.35 0.2", Text("""
            SELECT h.amount || ' ' || h.total || ' ' || t.amount FROM limit_heads h JOIN limit_tails t USING (counter)
            """));
    }

    [Fact]
    public async Task TryCount_SecondSchemaFile_KeepsItsCountsAndTotals_EachNewestBucketBecomesItsCountersHead()
    {
        // A rate limit with three calls in three buckets, a budget with 0.2 + 0.15 of 0.5 in two, written by schema 2.
        var rate = new CounterDemand(
            new CounterId("ns", "tools.r", CounterKind.Rate, TimeSpan.FromMinutes(1), []), StrictDecimal.One,
            new StrictDecimal(4, 0));
        WriteSecondSchema(rate);
        var store = new SqliteCounterStore(DatabasePath, TimeSpan.FromSeconds(10), DatabasePath);
        try
        {
            var later = s_start + TimeSpan.FromSeconds(3);
            var readings = (await store.ReadAsync("ns", later, Ct)).ToDictionary(r => r.Counter.Entry, r => r.Used);
            Assert.Equal(new StrictDecimal(3, 0), readings["tools.r"]);
            Assert.Equal(Parse("0.35"), readings["tools.b"]);

            // The rate limit's fourth call fits, its fifth does not; the budget's total is the moved-over 0.35.
            Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([rate], later, Ct));
            Assert.IsType<CountOutcome.Refused>(await store.TryCountAsync([rate], later, Ct));
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

        Assert.Equal(3L, Scalar("PRAGMA user_version"));
        Assert.Equal(2L, Scalar("SELECT count(*) FROM limit_heads"));
        Assert.Equal("0.50", Text("SELECT total FROM limit_heads WHERE counter = 7"));
        Assert.Equal("4", Text("SELECT total FROM limit_heads WHERE counter = 3"));

        // The rate limit's three moved-over buckets and the one its fourth call opened; the budget's two.
        Assert.Equal(6L, Scalar("SELECT count(*) FROM limit_tails") + Scalar("SELECT count(*) FROM limit_heads"));

        // A new counter after the move gets a new id (AUTOINCREMENT's sequence moved with its table).
        await using (var again = new SqliteCounterStore(DatabasePath, TimeSpan.FromSeconds(10), DatabasePath))
        {
            Assert.IsType<CountOutcome.Counted>(await again.TryCountAsync([Rate("tools.new")], s_start, Ct));
        }

        Assert.Equal(8L, Scalar("SELECT id FROM limit_ids WHERE entry = 'tools.new'"));
    }

    [Fact]
    public async Task TryCount_SecondSchemaFile_ItsRunningGuardsStatementsFailAfterTheMove()
    {
        // A schema-2 guard that is running has its statements prepared on an open connection. After a newer guard
        // moved the file over, each of them fails (the guard denies the call) instead of counting in the wrong
        // bucket; a schema-2 guard that starts anew refuses the file for its user_version (above 2).
        var rate = new CounterDemand(
            new CounterId("ns", "tools.r", CounterKind.Rate, TimeSpan.FromMinutes(1), []), StrictDecimal.One,
            new StrictDecimal(4, 0));
        WriteSecondSchema(rate);
        using var old = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        old.Open();
        var statements = SecondSchemaStatements.Select(sql =>
        {
            var command = old.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$id", 3L);
            command.Parameters.AddWithValue("$now", s_start.UtcTicks);
            command.Prepare();
            return command;
        }).ToList();
        using (var read = statements[0].ExecuteReader())
        {
            Assert.True(read.Read());
        }

        await using (var store = new SqliteCounterStore(DatabasePath, TimeSpan.FromSeconds(10), DatabasePath))
        {
            Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync([rate], s_start + TimeSpan.FromSeconds(3), Ct));
        }

        foreach (var command in statements)
        {
            Assert.Throws<SqliteException>(() =>
            {
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                }
            });
            command.Dispose();
        }

        Assert.Equal(3L, Scalar("PRAGMA user_version"));
        Assert.Equal(4L, Scalar("SELECT CAST(total AS INTEGER) FROM limit_heads WHERE counter = 3"));
    }

    [Fact]
    public async Task TryCount_TwoGuardsOpenASecondSchemaFileTogether_ItIsMovedOnceAndBothCount()
    {
        var rate = new CounterDemand(
            new CounterId("ns", "tools.r", CounterKind.Rate, TimeSpan.FromMinutes(1), []), StrictDecimal.One,
            new StrictDecimal(40, 0));
        WriteSecondSchema(rate);
        var first = new SqliteCounterStore(DatabasePath, TimeSpan.FromSeconds(10), DatabasePath);
        var second = new SqliteCounterStore(DatabasePath, TimeSpan.FromSeconds(10), DatabasePath);
        try
        {
            var later = s_start + TimeSpan.FromSeconds(3);
            using var go = new ManualResetEventSlim();
            Task<CountOutcome> Burst(SqliteCounterStore store) => Task.Run(async () =>
            {
                go.Wait(Ct);
                return await store.TryCountAsync([rate], later, Ct);
            });
            var both = new[] { Burst(first), Burst(second) };
            go.Set();

            // A second move would fail on tables that are gone: the call would be unavailable, not counted.
            Assert.All(await Task.WhenAll(both), o => Assert.IsType<CountOutcome.Counted>(o));
            var readings = await first.ReadAsync("ns", later, Ct);
            Assert.Equal(new StrictDecimal(5, 0), Assert.Single(readings, r => r.Counter.Entry == "tools.r").Used);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        Assert.Equal(2L, Scalar("SELECT count(*) FROM limit_heads"));
        Assert.Equal("5", Text("SELECT total FROM limit_heads WHERE counter = 3"));
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

    /// <summary>Schema 2's statements that read or write counts, as a guard of that schema ran them.</summary>
    private static readonly string[] SecondSchemaStatements =
    [
        """
        SELECT c.id, (SELECT last FROM limit_buckets WHERE counter = c.id ORDER BY opened LIMIT 1),
            n.opened, n.last, n.amount, n.total
        FROM limit_counters c
        LEFT JOIN limit_buckets n
            ON n.counter = c.id AND n.opened = (SELECT max(opened) FROM limit_buckets WHERE counter = c.id)
        WHERE c.id = $id
        """,
        "UPDATE limit_buckets SET last = $now, amount = '9', total = '9' WHERE counter = $id AND opened = $now",
        "INSERT INTO limit_buckets (counter, opened, last, amount, total) VALUES ($id, $now, $now, '1', '9')",
        "INSERT INTO limit_counters (namespace, entry, kind, window_ticks, per) VALUES ('ns', 'x', 'rate', $now, '[]')",
        """
        DELETE FROM limit_counters WHERE NOT EXISTS (
            SELECT 1 FROM limit_buckets b
            WHERE b.counter = limit_counters.id AND b.last > $now - limit_counters.window_ticks)
        RETURNING id
        """,
        "DELETE FROM limit_counters WHERE namespace = 'ns' AND entry = 'tools.r' AND id = $id",
        """
        SELECT c.entry, c.kind, c.window_ticks, c.per, b.last, b.amount
        FROM limit_counters c JOIN limit_buckets b ON b.counter = c.id
        WHERE c.namespace = 'ns' AND b.last > $now - c.window_ticks AND c.id = $id ORDER BY c.id, b.opened
        """,
    ];

    private static CounterDemand Rate(string entry) =>
        new(new CounterId("ns", entry, CounterKind.Rate, TimeSpan.FromMinutes(1), []), StrictDecimal.One,
            new StrictDecimal(4, 0));

    /// <summary>
    /// A file as schema 2 wrote it: <paramref name="rate"/>'s counter (id 3) with a call in each of three buckets a
    /// second apart, the budget (id 7) with 0.2 and 0.15 in two, the newest bucket of each holding the total.
    /// </summary>
    private void WriteSecondSchema(CounterDemand rate)
    {
        var t = s_start.UtcTicks;
        var second = TimeSpan.TicksPerSecond;
        Execute($"""
            PRAGMA journal_mode = WAL;
            CREATE TABLE limit_counters (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                namespace TEXT NOT NULL,
                entry TEXT NOT NULL,
                kind TEXT NOT NULL,
                window_ticks INTEGER NOT NULL,
                per TEXT NOT NULL,
                UNIQUE (namespace, entry, kind, window_ticks, per));
            CREATE TABLE limit_buckets (
                counter INTEGER NOT NULL REFERENCES limit_counters (id) ON DELETE CASCADE,
                opened INTEGER NOT NULL,
                last INTEGER NOT NULL,
                amount TEXT NOT NULL,
                total TEXT NOT NULL,
                PRIMARY KEY (counter, opened)) WITHOUT ROWID;
            CREATE VIEW counters AS SELECT 2 AS state_file_needs_a_newer_mcpguard;
            CREATE VIEW buckets AS SELECT 2 AS state_file_needs_a_newer_mcpguard;
            INSERT INTO limit_counters VALUES (3, 'ns', 'tools.r', 'rate_limit', {rate.Counter.Window.Ticks}, '[]');
            INSERT INTO limit_counters VALUES (7, 'ns', 'tools.b', 'budget', {TimeSpan.FromDays(1).Ticks}, '[]');
            INSERT INTO limit_buckets VALUES (3, {t}, {t}, '1', '1');
            INSERT INTO limit_buckets VALUES (3, {t + second}, {t + second}, '1', '2');
            INSERT INTO limit_buckets VALUES (3, {t + (2 * second)}, {t + (2 * second)}, '1', '3');
            INSERT INTO limit_buckets VALUES (7, {t}, {t}, '0.2', '0.2');
            INSERT INTO limit_buckets VALUES (7, {t + second}, {t + second}, '0.15', '0.35');
            PRAGMA user_version = 2;
            """);
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

    private string Text(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)command.ExecuteScalar()!;
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
