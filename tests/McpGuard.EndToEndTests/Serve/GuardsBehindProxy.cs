using McpGuard.EndToEndTests.TestUtils;
using McpGuard.Tests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// The scale-out tests' setup: two <c>serve</c> processes of <see cref="ScaleOutPolicy"/> in front of the v2 test
/// server, behind one proxy. The proxy's port is the guards' public URL, so it is picked before any of them starts
/// (<see cref="LoopbackPort"/>, another one if the proxy finds it taken); the guards bind port 0.
/// </summary>
internal sealed class GuardsBehindProxy : IAsyncDisposable
{
    private readonly IAsyncDisposable _proxy;

    private GuardsBehindProxy(ServedGuard first, ServedGuard second, IAsyncDisposable proxy, int port)
    {
        First = first;
        Second = second;
        _proxy = proxy;
        Url = new Uri($"http://127.0.0.1:{port}/mcp");
    }

    public ServedGuard First { get; }

    public ServedGuard Second { get; }

    /// <summary>The endpoint through the proxy.</summary>
    public Uri Url { get; }

    /// <param name="redisUrl">The guards' shared store.</param>
    /// <param name="startProxy">Starts the proxy on a port, in front of the two guards' ports.</param>
    public static Task<GuardsBehindProxy> StartAsync(
        string redisUrl, Func<int, int, int, Task<FixtureProcess>> startProxy) =>
        LoopbackPort.StartAsync(async port =>
        {
            var policy = ScaleOutPolicy.TwoOrdersAnHour(redisUrl, port);
            string[] server = ["node", RepoPaths.V2Server];
            var first = await ServedGuard.StartAsync(policy, server);
            ServedGuard? second = null;
            try
            {
                second = await ServedGuard.StartAsync(policy, server);
                var proxy = await startProxy(port, first.Url.Port, second.Url.Port);
                return new GuardsBehindProxy(first, second, proxy, port);
            }
            catch
            {
                if (second is not null)
                {
                    await second.DisposeAsync();
                }

                await first.DisposeAsync();
                throw;
            }
        });

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await Second.DisposeAsync();
        await First.DisposeAsync();
    }
}
