using System.Globalization;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.State;
using McpGuard.Tests.TestUtils;
using Microsoft.Data.Sqlite;

namespace McpGuard.Tests.State;

public sealed class SqliteFrameWritesTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task LoneCounts_EachFrameOfTheLogIsOneWrite_AndAnotherConnectionReadsEveryCount()
    {
        // bench/HISTORY.md, issue 27: SQLite writes a log frame's header and its page apart; the store's VFS joins
        // them. Other tests may commit meanwhile, so the joined frames are at least this test's commits.
        var path = _directory.File("state.db");
        var store = new SqliteCounterStore(path, TimeSpan.FromSeconds(10), path);
        var demand = new CounterDemand(
            new CounterId("ns", "tools.t", CounterKind.Rate, TimeSpan.FromHours(1), []), StrictDecimal.One,
            new StrictDecimal(1000, 0));
        try
        {
            Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([demand], s_start, Ct));
            var joined = SqliteFrameWrites.Joined;
            for (var i = 0; i < 20; i++)
            {
                Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([demand], s_start, Ct));
            }

            Assert.InRange(SqliteFrameWrites.Joined - joined, 20, long.MaxValue);

            // Read from the log by a connection of its own, as another guard would, while the store holds it.
            using var other = new SqliteConnection($"Data Source={path};Pooling=False");
            other.Open();
            using var total = other.CreateCommand();
            total.CommandText = "SELECT total FROM limit_heads";
            Assert.Equal("21", Convert.ToString(total.ExecuteScalar(), CultureInfo.InvariantCulture));
            using var check = other.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
        }
        finally
        {
            await store.DisposeAsync();
        }
    }
}
