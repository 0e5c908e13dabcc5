using System.Collections.Immutable;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.State;
using McpGuard.Telemetry;
using McpGuard.Tests.TestUtils;
using Microsoft.Data.Sqlite;

namespace McpGuard.Tests.State;

/// <summary>
/// <c>mcpguard.store.duration</c> (docs/telemetry.md): one count recorded per decision, whether the wrapper times it
/// (memory) or the SQLite store times it itself, alone on the caller's thread or queued for a group commit. The
/// meter is shared by tests running in parallel: each test names a store kind of its own and reads only its series.
/// </summary>
public sealed class TimedCounterStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly PrometheusMetrics _metrics = new();
    private readonly string _kind = "store-" + Guid.NewGuid().ToString("N");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _metrics.Dispose();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task MemoryCount_IsRecordedOnce()
    {
        var store = new TimedCounterStore(new MemoryCounterStore(), _kind);

        Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([Rate(10)], Start, Ct));

        Assert.Equal("1", Recorded());
    }

    [Fact]
    public async Task SqliteCounts_AloneAndInAGroupCommit_AreEachRecordedOnceBeforeTheirAnswers()
    {
        // Pipelined like the gate's calls (CallsBehind set): after the first, decided alone on this thread, the
        // others arrive within the burst window or while the store's thread is busy, and join group commits. The
        // store records each before answering it, so every answer awaited here has been recorded.
        const int Calls = 200;
        var path = _directory.File("state.db");
        var sqlite = new SqliteCounterStore(path, TimeSpan.FromSeconds(10), path);
        var store = new TimedCounterStore(sqlite, _kind);
        var counting = new List<Task<CountOutcome>>();
        try
        {
            CallsBehind.Waiting = true;
            for (var i = 0; i < Calls; i++)
            {
                counting.Add(store.TryCountAsync([Rate(Calls)], Start, Ct).AsTask());
            }
        }
        finally
        {
            CallsBehind.Waiting = false;
        }

        foreach (var outcome in await Task.WhenAll(counting))
        {
            Assert.IsType<CountOutcome.Counted>(outcome);
        }

        Assert.Equal(Calls.ToString(System.Globalization.CultureInfo.InvariantCulture), Recorded());
        await store.DisposeAsync();
    }

    [Fact]
    public async Task SqliteCount_AfterTheStoreClosed_IsRecordedAsUnavailable()
    {
        var path = _directory.File("state.db");
        var store = new TimedCounterStore(new SqliteCounterStore(path, TimeSpan.FromSeconds(10), path), _kind);
        await store.DisposeAsync();

        Assert.IsType<CountOutcome.Unavailable>(await store.TryCountAsync([Rate(10)], Start, Ct));

        var line = Assert.Single(
            _metrics.Scrape().Split('\n'),
            l => l.StartsWith("mcpguard_store_duration_seconds_count{", StringComparison.Ordinal)
                && l.Contains(_kind, StringComparison.Ordinal));
        Assert.Contains("error_type=\"unavailable\"", line, StringComparison.Ordinal);
    }

    private static CounterDemand Rate(int max) =>
        new(
            new CounterId("ns", "tools.t", CounterKind.Rate, TimeSpan.FromHours(1), ImmutableArray<string>.Empty),
            StrictDecimal.One, new StrictDecimal(max, 0));

    /// <summary>The count of this test's series of successful counts, as <c>/metrics</c> shows it.</summary>
    private string? Recorded()
    {
        var series = $"mcpguard_store_duration_seconds_count{{operation=\"count\",store=\"{_kind}\"}} ";
        return _metrics.Scrape().Split('\n')
            .FirstOrDefault(l => l.StartsWith(series, StringComparison.Ordinal))?[series.Length..];
    }
}
