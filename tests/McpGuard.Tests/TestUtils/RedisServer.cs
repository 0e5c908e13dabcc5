using System.Diagnostics;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// A throwaway <c>redis-server</c> (Debian's) on a loopback port, no persistence, owned by one test:
/// started, stopped and started again on the same port, killed on dispose. Shared by the unit and the
/// end-to-end tests (linked into both projects), so it names no project's TestConstants.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private FixtureProcess? _process;

    private readonly string[] _arguments;

    private RedisServer(int port, string[] arguments)
    {
        Port = port;
        _arguments = arguments;
    }

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}/0";

    public static bool IsInstalled =>
        File.Exists("/usr/bin/redis-server") || File.Exists("/usr/local/bin/redis-server");

    /// <summary>
    /// How long a start may take before it is tried again (redis-server is ready in well under a second).
    /// </summary>
    public static TimeSpan StartTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts a server on a port from <see cref="LoopbackPort"/> (redis-server cannot listen on port 0: to it, 0 means
    /// no TCP at all), below the ephemeral range, so a test that stops it can start it again on the same port.
    /// </summary>
    /// <param name="arguments">More of redis-server's options, such as <c>--requirepass</c>.</param>
    public static Task<RedisServer> StartAsync(CancellationToken cancellationToken, params string[] arguments) =>
        LoopbackPort.StartAsync(async port =>
        {
            var server = new RedisServer(port, arguments);
            await server.StartAgainAsync(cancellationToken);
            return server;
        });

    /// <summary>
    /// Starts the server (again) on its port and waits until it accepts connections (a stalled start is killed and
    /// tried once more, see <see cref="FixtureProcess"/>).
    /// </summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        _process = await FixtureProcess.StartAsync(
            $"redis-server on port {Port}",
            () =>
            {
                var start = new ProcessStartInfo("redis-server");
                foreach (var argument in (string[])[
                    "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", .. _arguments])
                {
                    start.ArgumentList.Add(argument);
                }

                return start;
            },
            line => line.Contains("Ready to accept connections", StringComparison.Ordinal),
            StartTimeout, cancellationToken);
    }

    /// <summary>Kills the server and waits until it is gone.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is { } process)
        {
            _process = null;
            await process.DisposeAsync().AsTask().WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
