using System.Globalization;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.State;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace McpGuard.Tests.State;

/// <summary>
/// The Redis count script's shortcuts: sums in Lua numbers while both sides fit in 15 digits and digit by digit
/// beyond, and the newest bucket's total written once per decision, by the count or, on a refusal, after the
/// buckets that left the window were popped. Buckets are written straight into Redis, dated on its clock.
/// </summary>
public sealed class RedisCountScriptTests : IAsyncLifetime
{
    private static readonly CounterId s_budget = new("ns", "tools.b", CounterKind.Budget, TimeSpan.FromHours(1), []);
    private static readonly CounterId s_other = new("ns", "tools.o", CounterKind.Budget, TimeSpan.FromHours(1), []);

    private readonly RawRedis _redis = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDatabase Database => _redis.Database;

    private static RedisKey Key => RedisCounterStore.CounterKey("ns", CounterIdentity.Json(s_budget));

    public ValueTask InitializeAsync() => _redis.InitializeAsync();

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task TryCount_SumsAcrossFifteenDigits_StayExact()
    {
        await using var store = await OpenAsync();

        Assert.IsType<CountOutcome.Counted>(await CountAsync(store, "999999999999999"));
        Assert.IsType<CountOutcome.Counted>(await CountAsync(store, "1"));
        Assert.Equal("1000000000000000", Total(await Database.ListGetByIndexAsync(Key, -1)));
        Assert.IsType<CountOutcome.Counted>(await CountAsync(store, "0.000000000000001"));
        Assert.IsType<CountOutcome.Counted>(await CountAsync(store, "0.25"));

        var reading = Assert.Single(await store.ReadAsync("ns", DateTimeOffset.UtcNow, Ct));
        Assert.Equal("1000000000000000.250000000000001", reading.Used.ToString());
    }

    [Fact]
    public async Task TryCount_RefusedAfterBucketsLeftTheWindow_WritesTheTotalOfWhatIsLeft()
    {
        var now = await ServerMicrosecondsAsync();
        var gone = now - 7_200_000_000;
        var live = now - 10_000_000;
        await Database.ListRightPushAsync(Key, [$"{gone}:{gone}:1", $"{live}:{live}:2:3"]);
        await using var store = await OpenAsync();

        var refused = await store.TryCountAsync(
            [new CounterDemand(s_budget, Parse("1"), Parse("10")), new CounterDemand(s_other, Parse("5"), Parse("1"))],
            DateTimeOffset.UtcNow,
            Ct);

        Assert.Equal(1, Assert.IsType<CountOutcome.Refused>(refused).Index);
        Assert.Equal([$"{live}:{live}:2:2"], (await Database.ListRangeAsync(Key)).Select(b => b.ToString()));
    }

    private static Task<CountOutcome> CountAsync(RedisCounterStore store, string amount) =>
        store.TryCountAsync(
            [new CounterDemand(s_budget, Parse(amount), Parse("9999999999999999"))], DateTimeOffset.UtcNow, Ct)
            .AsTask();

    private static string Total(RedisValue bucket) => bucket.ToString().Split(':')[3];

    private static StrictDecimal Parse(string text) =>
        StrictDecimal.TryParseStrict(text, out var value) ? value : throw new ArgumentException(text);

    private async Task<RedisCounterStore> OpenAsync() =>
        await RedisCounterStore.ConnectAsync(_redis.Server.Url, TimeSpan.FromSeconds(5), NullLogger.Instance);

    private async Task<long> ServerMicrosecondsAsync()
    {
        var time = (RedisResult[])(await Database.ExecuteAsync("TIME"))!;
        return long.Parse((string)time[0]!, CultureInfo.InvariantCulture) * 1_000_000
            + long.Parse((string)time[1]!, CultureInfo.InvariantCulture);
    }
}
