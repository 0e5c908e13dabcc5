using System.Globalization;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.State;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace McpGuard.Tests.State;

/// <summary>
/// The Redis store's counter layout (docs/limits.md#redis-for-a-team): the newest bucket carries the total, full
/// windows stay exact, give-back reaches older buckets, and lists written before totals are moved over while
/// an older guard's script fails on the moved ones. Buckets are written straight into Redis, dated on the
/// server's clock, since the script reads that clock and a test cannot move it.
/// </summary>
public sealed class RedisCounterLayoutTests : IAsyncLifetime
{
    private static readonly TimeSpan s_window = TimeSpan.FromHours(1);
    private static readonly CounterId s_budget = new("ns", "tools.b", CounterKind.Budget, s_window, []);

    private readonly RawRedis _redis = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RedisServer Server => _redis.Server;

    private IDatabase Database => _redis.Database;

    private static RedisKey Key => RedisCounterStore.CounterKey("ns", CounterIdentity.Json(s_budget));

    public ValueTask InitializeAsync() => _redis.InitializeAsync();

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task TryCount_FullWindowInOldLayout_MovedOverWithItsCountsAndExact()
    {
        // 1,024 buckets of 0.5 as a guard before totals wrote them: 24 have left the window, 1,000 (500) are live,
        // the oldest live one leaving in 600 s.
        var now = await ServerMicrosecondsAsync();
        var window = Microseconds(s_window);
        var buckets = Enumerable.Range(0, 1024).Select(k =>
            k < 24 ? now - window - 60_000_000 + k : now - window + 600_000_000 + (k - 24) * 2_900_000L);
        await Database.ListRightPushAsync(Key, [.. buckets.Select(at => (RedisValue)$"{at} {at} 0.5")]);
        var store = await OpenAsync();
        try
        {
            var counted = await store.TryCountAsync([Demand("0.5", "500.5")], DateTimeOffset.UtcNow, Ct);

            Assert.IsType<CountOutcome.Counted>(counted);
            var refused = Assert.IsType<CountOutcome.Refused>(
                await store.TryCountAsync([Demand("0.5", "500.5")], DateTimeOffset.UtcNow, Ct));
            Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(570), TimeSpan.FromSeconds(600));
            Assert.Equal(
                0,
                Assert.Single(await store.ReadAsync("ns", DateTimeOffset.UtcNow, Ct)).Used.CompareTo(Parse("500.5")));
            var moved = await Database.ListRangeAsync(Key);
            Assert.Equal(1001, moved.Length);
            Assert.All(moved, bucket => Assert.DoesNotContain(" ", bucket.ToString(), StringComparison.Ordinal));
            Assert.EndsWith(":500.5", moved[^1].ToString(), StringComparison.Ordinal);
            Assert.NotNull(await Database.KeyTimeToLiveAsync(Key));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryCount_BucketsOpeningAndLeavingOnTheServersClock_TotalStaysTheSumOfTheLiveBuckets()
    {
        // A 20 ms window opens a bucket about every 20 µs and loses its oldest ones at almost every call: after
        // the last decision (which deleted what had left) the total must be exactly what the list holds.
        var fast = new CounterId("ns", "tools.fast", CounterKind.Budget, TimeSpan.FromMilliseconds(20), []);
        var store = await OpenAsync();
        try
        {
            // At least 500 decisions, and for at least two windows of the server's clock (a fast machine and a
            // fast script make 500 in less than one window, and then no bucket would have left yet).
            var started = await ServerMicrosecondsAsync();
            var calls = 0;
            while (calls < 500 || await ServerMicrosecondsAsync() - started < 40_000)
            {
                Assert.IsType<CountOutcome.Counted>(
                    await store.TryCountAsync(
                        [new CounterDemand(fast, Parse("0.1"), Parse("1000000"))], DateTimeOffset.UtcNow, Ct));
                calls++;
            }

            var buckets =
                (await Database.ListRangeAsync(RedisCounterStore.CounterKey("ns", CounterIdentity.Json(fast)))).Select(
                b => b.ToString().Split(':'))
                .ToList();
            Assert.InRange(buckets.Count, 1, calls - 1);
            var sum = buckets.Aggregate(StrictDecimal.Zero, (total, bucket) => total + Parse(bucket[2]));
            Assert.Equal(4, buckets[^1].Length);
            Assert.Equal(0, sum.CompareTo(Parse(buckets[^1][3])));
            Assert.All(buckets[..^1], bucket => Assert.Equal(3, bucket.Length));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task GiveBack_FromAnOlderBucket_TakesItOutOfTheBucketAndTheTotal()
    {
        var now = await ServerMicrosecondsAsync();
        var older = now - 100_000_000;
        await Database.ListRightPushAsync(Key, [$"{older} {older} 1.5", $"{now - 50_000_000} {now - 50_000_000} 2"]);
        var store = await OpenAsync();
        try
        {
            Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync([Demand("1", "10")], DateTimeOffset.UtcNow, Ct));
            var fromOlder = new CountReceipt([new CountedAmount(s_budget, older, Parse("1.5"))]);

            Assert.True(await store.GiveBackAsync(fromOlder, Ct));
            Assert.True(await store.GiveBackAsync(fromOlder, Ct));

            Assert.Equal(
                0, Assert.Single(await store.ReadAsync("ns", DateTimeOffset.UtcNow, Ct)).Used.CompareTo(Parse("3")));
            Assert.Equal($"{older}:{older}:0", (await Database.ListGetByIndexAsync(Key, 0)).ToString());
            Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync([Demand("7", "10")], DateTimeOffset.UtcNow, Ct));
            Assert.IsType<CountOutcome.Refused>(
                await store.TryCountAsync([Demand("0.0001", "10")], DateTimeOffset.UtcNow, Ct));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task OlderGuardScripts_OnAMovedOverCounter_FailOrFindNothingAndChangeNothing()
    {
        var store = await OpenAsync();
        try
        {
            var counted = Assert.IsType<CountOutcome.Counted>(
                await store.TryCountAsync([Demand("0.25", "1")], DateTimeOffset.UtcNow, Ct));
            var before = await Database.ListRangeAsync(Key);
            var opened = counted.Receipt.Counted[0].BucketOpenedTicks.ToString(CultureInfo.InvariantCulture);
            RedisKey[] countKeys = [RedisCounterStore.IndexKey("ns"), Key];
            RedisValue[] countValues = [1, Microseconds(s_window), "0.25", "1", CounterIdentity.Json(s_budget)];

            await Assert.ThrowsAsync<RedisServerException>(
                () => Database.ScriptEvaluateAsync(RedisScriptsBeforeTotals.Count, countKeys, countValues));
            await Assert.ThrowsAsync<RedisServerException>(
                () => Database.ScriptEvaluateAsync(RedisScriptsBeforeTotals.Read, [Key], [Microseconds(s_window)]));
            Assert.Equal(
                0, (int)await Database.ScriptEvaluateAsync(RedisScriptsBeforeTotals.GiveBack, [Key], [opened, "0.25"]));

            Assert.Equal(before, await Database.ListRangeAsync(Key));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    private static CounterDemand Demand(string amount, string max) => new(s_budget, Parse(amount), Parse(max));

    private static StrictDecimal Parse(string text) =>
        StrictDecimal.TryParseStrict(text, out var value) ? value : throw new ArgumentException(text);

    private static long Microseconds(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;

    private async Task<RedisCounterStore> OpenAsync() =>
        await RedisCounterStore.ConnectAsync(Server.Url, TimeSpan.FromSeconds(5), NullLogger.Instance);

    private async Task<long> ServerMicrosecondsAsync()
    {
        var time = (RedisResult[])(await Database.ExecuteAsync("TIME"))!;
        return long.Parse((string)time[0]!, CultureInfo.InvariantCulture) * 1_000_000
            + long.Parse((string)time[1]!, CultureInfo.InvariantCulture);
    }
}
