using System.Globalization;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.State;
using McpGuard.Tests.TestUtils;
using Microsoft.Data.Sqlite;

namespace McpGuard.Tests.State;

public sealed class SqliteLockCallsTests : IDisposable
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
    public async Task LoneCounts_SaveTwoLockCallsEach_AndCountExactly()
    {
        // bench/README.md, issue 27: a lone commit's six lock calls on the WAL index are four. Other tests may commit
        // meanwhile, so the saved calls are at least this test's. (A lock left held would stop another guard:
        // DurableLimitTests runs two guards on one file.)
        var path = _directory.File("state.db");
        var store = new SqliteCounterStore(path, TimeSpan.FromSeconds(10), path);
        var demand = Demand("tools.t", 1000);
        try
        {
            Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([demand], s_start, Ct));
            var saved = SqliteLockCalls.Saved;
            for (var i = 0; i < 20; i++)
            {
                Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([demand], s_start, Ct));
            }

            Assert.InRange(SqliteLockCalls.Saved - saved, 40, long.MaxValue);
            Assert.Equal("21", Total(path));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoStoresOnOneFileInOneProcess_CountingTogether_StayExact()
    {
        // Two connections of one process share the index's locks (one set per process): a joined release must
        // never let go of a lock the other connection holds, nor a held one outlive its statement.
        const int Calls = 300;
        var path = _directory.File("state.db");
        var first = new SqliteCounterStore(path, TimeSpan.FromSeconds(30), path);
        var second = new SqliteCounterStore(path, TimeSpan.FromSeconds(30), path);
        var demand = Demand("tools.t", 2 * Calls);
        try
        {
            async Task<int> CountAsync(SqliteCounterStore store)
            {
                var counted = 0;
                for (var i = 0; i < Calls; i++)
                {
                    if (await store.TryCountAsync([demand], s_start, Ct) is CountOutcome.Counted)
                    {
                        counted++;
                    }
                }

                return counted;
            }

            var counts = await Task.WhenAll(Task.Run(() => CountAsync(first)), Task.Run(() => CountAsync(second)));
            Assert.Equal([Calls, Calls], counts);
            Assert.IsType<CountOutcome.Refused>(await first.TryCountAsync([demand], s_start, Ct));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        Assert.Equal((2 * Calls).ToString(CultureInfo.InvariantCulture), Total(path));
    }

    private static CounterDemand Demand(string entry, int max) => new(
        new CounterId("ns", entry, CounterKind.Rate, TimeSpan.FromHours(1), []), StrictDecimal.One,
        new StrictDecimal(max, 0));

    private static string? Total(string path)
    {
        using var other = new SqliteConnection($"Data Source={path};Pooling=False");
        other.Open();
        using var total = other.CreateCommand();
        total.CommandText = "SELECT total FROM limit_heads";
        return Convert.ToString(total.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
