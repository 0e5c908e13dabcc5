using StackExchange.Redis;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// A redis-server of the test's own with a plain connection to it, for tests that write and read the store's keys
/// directly (dated on the server's clock, which a test cannot move). Skips the test when redis-server is missing.
/// </summary>
internal sealed class RawRedis : IAsyncLifetime
{
    private RedisServer? _server;
    private ConnectionMultiplexer? _connection;

    public RedisServer Server => _server ?? throw new InvalidOperationException("not started");

    public IDatabase Database => (_connection ?? throw new InvalidOperationException("not started")).GetDatabase();

    public async ValueTask InitializeAsync()
    {
        Assert.SkipUnless(
            RedisServer.IsInstalled,
            "redis-server is not installed (Debian package redis-server; .ci/run installs it)");
        _server = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        _connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_server.Port}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        if (_server is { } server)
        {
            await server.DisposeAsync();
        }
    }
}
