using System.Net;
using System.Net.Sockets;
using McpGuard.State;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging;

namespace McpGuard.Tests.State;

/// <summary>
/// What a guard says when Redis is not connected as it starts: a Redis that is slow to answer (a loaded machine) is
/// not called unreachable, and its first connection is not called a return
/// (docs/limits.md#when-the-store-cannot-be-reached).
/// </summary>
public sealed class RedisStartReachabilityTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly List<IAsyncDisposable> _disposables = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_SaidUnreachableAtStart()
    {
        // Bound, not listening: refused, and no other test or process can start listening on it meanwhile (a port
        // picked free and released could be a redis-server's or a listener's of a test running beside this one).
        using var closed = LoopbackPort.HoldClosed(out var port);
        var logger = new CapturingLogger();

        await OpenAsync($"redis://127.0.0.1:{port}/0", TimeSpan.FromSeconds(5), logger);

        var line = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning).Message;
        Assert.Contains($"the Redis store at 127.0.0.1:{port}/0 cannot be reached (connection refused)", line);
    }

    [Fact]
    public async Task ConnectAsync_RedisSilentPastTheTimeout_SaidSlowNotUnreachable()
    {
        await using var silent = new SilentThenForwarding(forwardTo: null);
        var logger = new CapturingLogger();

        await OpenAsync($"redis://127.0.0.1:{silent.Port}/0", TimeSpan.FromMilliseconds(300), logger);

        var line = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning).Message;
        Assert.Contains(
            $"the Redis store at 127.0.0.1:{silent.Port}/0 accepts connections but answered neither the guard's first"
                + " one within 300ms (state.timeout) nor a PING within 2s: a Redis that is slow or stuck",
            line);
        Assert.DoesNotContain("cannot be reached", line);
    }

    /// <summary>
    /// The client tries again every second while the start probe runs (which can take the whole timeout), and an
    /// attempt that fails raises its ConnectionFailed event. Here the second connection is closed at once and the
    /// probe answers only once the client has come back with a third: the start is still said as the probe found
    /// it, once. Before, the event's handler was already in place and said "cannot be reached (SocketClosed)" in
    /// the client's words, and the probe's line was dropped.
    /// </summary>
    [Fact]
    public async Task ConnectAsync_AnAttemptFailsWhileProbing_StartStillSaidAsTheProbeFoundIt()
    {
        await using var silent = new SilentThenForwarding(forwardTo: null, closeLater: true);
        var logger = new CapturingLogger();

        _disposables.Add(await RedisCounterStore.ConnectAsync(
            $"redis://127.0.0.1:{silent.Port}/0", TimeSpan.FromMilliseconds(300), logger,
            async (target, timeout) =>
            {
                await silent.ThirdAccepted.WaitAsync(TestConstants.DefaultTimeout, Ct);
                return await RedisStartProbe.FindAsync(target, timeout);
            }));

        var line = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning).Message;
        Assert.Contains("accepts connections but answered neither the guard's first one within 300ms", line);
    }

    [Fact]
    public async Task ConnectAsync_FirstAttemptUnanswered_ThenConnected_SaidReachableNowNotAgain()
    {
        Assert.SkipUnless(
            RedisServer.IsInstalled,
            "redis-server is not installed (Debian package redis-server; .ci/run installs it)");
        await using var redis = await RedisServer.StartAsync(Ct);
        await using var proxy = new SilentThenForwarding(forwardTo: redis.Port);
        var logger = new CapturingLogger();

        await OpenAsync($"redis://127.0.0.1:{proxy.Port}/0", TimeSpan.FromMilliseconds(300), logger);
        await logger.WaitForAsync(" is reachable ").WaitAsync(Ct);

        var reachable = Assert.Single(
            logger.Entries, e => e.Message.Contains(" is reachable ", StringComparison.Ordinal));
        Assert.Contains($"the Redis store at 127.0.0.1:{proxy.Port}/0 is reachable now", reachable.Message);

        // Redis answered at once; only the first connection was held (as on a loaded machine): not blamed on Redis.
        var start = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning).Message;
        Assert.Matches(
            $"^The guard's first connection to the Redis store at 127\\.0\\.0\\.1:{proxy.Port}/0 did not finish"
                + " within 300ms \\(state\\.timeout\\), but Redis answered a PING on another in [0-9]+ ms: Redis is"
                + " up; the first connection was held up on this machine or on the way",
            start);
        Assert.DoesNotContain("slow Redis", start);
    }

    [Fact]
    public async Task ConnectAsync_WrongPassword_SaidRefusedCredentialsInRedisWords()
    {
        Assert.SkipUnless(
            RedisServer.IsInstalled,
            "redis-server is not installed (Debian package redis-server; .ci/run installs it)");
        await using var redis = await RedisServer.StartAsync(Ct, "--requirepass", "right-one");
        var logger = new CapturingLogger();

        await OpenAsync($"redis://:wrong-one@127.0.0.1:{redis.Port}/0", TimeSpan.FromMilliseconds(300), logger);

        var line = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning).Message;
        Assert.Contains(
            $"the Redis store at 127.0.0.1:{redis.Port}/0 refused the guard's credentials (it said: ", line);
        Assert.DoesNotContain("wrong-one", line);
    }

    [Fact]
    public async Task FindAsync_PasswordRedisWantsAndTheUrlLacks_CredentialsRefused()
    {
        Assert.SkipUnless(
            RedisServer.IsInstalled,
            "redis-server is not installed (Debian package redis-server; .ci/run installs it)");
        await using var redis = await RedisServer.StartAsync(Ct, "--requirepass", "right-one");

        var finding = await RedisStartProbe.FindAsync(
            new RedisProbeTarget("127.0.0.1", redis.Port, Tls: false, User: null, Password: null),
            TestConstants.DefaultTimeout);

        Assert.StartsWith("NOAUTH", Assert.IsType<RedisStartFinding.CredentialsRefused>(finding).Said);
    }

    [Fact]
    public async Task FindAsync_RedisAnswersWithAnError_SaidInItsWordsNotUp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var answering = Task.Run(
            async () =>
            {
                using var client = await listener.AcceptTcpClientAsync(Ct);
                var stream = client.GetStream();
                var buffer = new byte[256];
                _ = await stream.ReadAsync(buffer, Ct);
                await stream.WriteAsync("-LOADING Redis is loading the dataset in memory\r\n"u8.ToArray(), Ct);
                while (await stream.ReadAsync(buffer, Ct) > 0)
                {
                    // Held until the probe closes its connection.
                }
            },
            Ct);

        var finding = await RedisStartProbe.FindAsync(
            new RedisProbeTarget("127.0.0.1", port, Tls: false, User: null, Password: null),
            TestConstants.DefaultTimeout);
        await answering.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal(new RedisStartFinding.ErrorAnswer("LOADING Redis is loading the dataset in memory"), finding);
    }

    [Fact]
    public async Task FindAsync_RightPassword_Answered()
    {
        Assert.SkipUnless(
            RedisServer.IsInstalled,
            "redis-server is not installed (Debian package redis-server; .ci/run installs it)");
        await using var redis = await RedisServer.StartAsync(Ct, "--requirepass", "right-one");

        var finding = await RedisStartProbe.FindAsync(
            new RedisProbeTarget("127.0.0.1", redis.Port, Tls: false, User: "default", Password: "right-one"),
            TestConstants.DefaultTimeout);

        Assert.IsType<RedisStartFinding.Answered>(finding);
    }

    private async Task OpenAsync(string url, TimeSpan timeout, ILogger logger) =>
        _disposables.Add(await RedisCounterStore.ConnectAsync(url, timeout, logger));

    /// <summary>
    /// A loopback listener that accepts its first connection and never answers on it (a Redis too slow for the
    /// timeout); every later connection is relayed to <c>forwardTo</c> when one is given, else held silent too.
    /// </summary>
    private sealed class SilentThenForwarding : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _held = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private readonly TaskCompletionSource _thirdAccepted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <param name="closeLater">Close every later connection at once instead (a Redis that drops them).</param>
        public SilentThenForwarding(int? forwardTo, bool closeLater = false)
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _accepting = AcceptAsync(forwardTo, closeLater);
        }

        public int Port { get; }

        /// <summary>Completes when a third connection came (the client's, after it gave up its first two).</summary>
        public Task ThirdAccepted => _thirdAccepted.Task;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            lock (_held)
            {
                _held.ForEach(client => client.Dispose());
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync(int? forwardTo, bool closeLater)
        {
            try
            {
                for (var accepted = 1; ; accepted++)
                {
                    var first = accepted == 1;
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_held)
                    {
                        _held.Add(client);
                    }

                    if (accepted == 3)
                    {
                        _thirdAccepted.TrySetResult();
                    }

                    if (!first && closeLater)
                    {
                        client.Dispose();
                    }
                    else if (!first && forwardTo is { } port)
                    {
                        _ = RelayAsync(client, port);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }

        private async Task RelayAsync(TcpClient client, int port)
        {
            var upstream = new TcpClient();
            lock (_held)
            {
                _held.Add(upstream);
            }

            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
                var down = client.GetStream();
                var up = upstream.GetStream();
                await Task.WhenAny(down.CopyToAsync(up, _stop.Token), up.CopyToAsync(down, _stop.Token));
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException
                or ObjectDisposedException)
            {
                // Either side closed, or the test is over.
            }
        }
    }
}
