using McpGuard.Policy.Limits;
using McpGuard.State;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Tests.State;

/// <summary>Against a real <c>redis-server</c> of this test class's own, on a free loopback port.</summary>
public sealed class RedisCounterStoreTests : CounterStoreContract
{
    private RedisServer? _server;

    private RedisServer Server => _server ?? throw new InvalidOperationException("not started");

    protected override async ValueTask SetUpAsync()
    {
        Assert.SkipUnless(
            RedisServer.IsInstalled,
            "redis-server is not installed (Debian package redis-server; .ci/run installs it)");
        _server = await RedisServer.StartAsync(Ct);
    }

    protected override async ValueTask CleanUpAsync()
    {
        if (_server is { } server)
        {
            await server.DisposeAsync();
        }
    }

    private protected override async Task<ICounterStore> OpenAsync() =>
        await RedisCounterStore.ConnectAsync(Server.Url, TimeSpan.FromSeconds(5), NullLogger.Instance);

    [Fact]
    public async Task TryCount_RedisStoppedThenStartedAgain_UnavailableThenCountsAgain()
    {
        // The client fails fast while not connected (BacklogPolicy.FailFast), so the count while down needs no short
        // timeout; 1 s (as before) could leave the first connection unfinished at load, the first count Unavailable.
        var store = await RedisCounterStore.ConnectAsync(Server.Url, TimeSpan.FromSeconds(5), NullLogger.Instance);
        try
        {
            Assert.IsType<CountOutcome.Counted>(await store.TryCountAsync([Rate("tools.t", 5)], Start, Ct));

            await Server.StopAsync(Ct);
            var down = Assert.IsType<CountOutcome.Unavailable>(
                await store.TryCountAsync([Rate("tools.t", 5)], Start, Ct));
            Assert.NotEmpty(down.Why);

            await Server.StartAgainAsync(Ct);
            Assert.IsType<CountOutcome.Counted>(await CountOnceReconnectedAsync(store));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task OneConnectionToRedis_SoEachChangeOfReachabilityIsSaidOnce()
    {
        // The store uses no pub/sub: a subscription connection beside the interactive one doubled every "cannot be
        // reached" and "reachable again" line (each connection's events were logged).
        var store = await RedisCounterStore.ConnectAsync(Server.Url, TimeSpan.FromSeconds(5), NullLogger.Instance);
        try
        {
            await using var observer = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(
                $"127.0.0.1:{Server.Port},name=observer,allowAdmin=true");
            var clients = (string)(await observer.GetDatabase().ExecuteAsync("CLIENT", "LIST"))!;

            Assert.Single(clients.Split('\n'), line => line.Contains(" name=mcpguard ", StringComparison.Ordinal));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryCount_Counter_ExpiresWithItsWindow()
    {
        var store = await RedisCounterStore.ConnectAsync(Server.Url, TimeSpan.FromSeconds(5), NullLogger.Instance);
        try
        {
            await store.TryCountAsync([Rate("tools.ttl", 5)], Start, Ct);
            var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Server.Port}");
            var keys = redis.GetServer($"127.0.0.1:{Server.Port}").Keys(pattern: "mcpguard:*").ToList();

            Assert.Equal(2, keys.Count);
            foreach (var key in keys)
            {
                var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
                Assert.NotNull(ttl);
                Assert.InRange(ttl.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
            }

            await redis.DisposeAsync();
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    /// <summary>
    /// The client reconnects in the background; each failed attempt is an Unavailable answer, as a guard's calls would
    /// get.
    /// </summary>
    private static async Task<CountOutcome> CountOnceReconnectedAsync(RedisCounterStore store)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TestConstants.DefaultTimeout);
        while (true)
        {
            var outcome = await store.TryCountAsync([Rate("tools.t", 5)], Start, deadline.Token);
            if (outcome is not CountOutcome.Unavailable)
            {
                return outcome;
            }

            await store.WaitForConnectionAsync(deadline.Token);
        }
    }
}
