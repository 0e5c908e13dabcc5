using System.Diagnostics;
using System.Globalization;
using McpGuard.EndToEndTests.TestUtils;
using McpGuard.Tests.TestUtils;
using ModelContextProtocol.Client;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// Two <c>serve</c> processes on one redis-server behind HAProxy with the configuration of docs/serve.md#scale-out:
/// counters are shared exactly, and each 2025 session stays on the process that minted its id.
/// </summary>
public sealed class ServeScaleOutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void SkipUnlessRedisAndHaproxyInstalled()
    {
        Assert.SkipUnless(
            RedisServer.IsInstalled,
            "redis-server is not installed (Debian package redis-server; .ci/run installs it)");
        Assert.SkipUnless(
            File.Exists("/usr/sbin/haproxy"), "haproxy is not installed (Debian package haproxy; .ci/apt-packages)");
    }

    [Fact]
    public async Task TwoGuardsOneRedis_FiftyCallsAgainstMaxTwo_ExactlyTwoRun_SessionsSticky()
    {
        SkipUnlessRedisAndHaproxyInstalled();
        await using var redis = await RedisServer.StartAsync(Ct);
        await using var guards = await GuardsBehindProxy.StartAsync(redis.Url, StartHaproxyAsync);
        var (first, second, url) = (guards.First, guards.Second, guards.Url);
        using var http = new HttpClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => PlaceOrderAsync(http, url, i)));

        var ran = first.Stderr.Concat(second.Stderr)
            .Count(line => line.StartsWith("RAN place_order", StringComparison.Ordinal));
        Assert.Equal(2, ran);
        Assert.Equal(2, answers.Count(a => a.Contains("placed 1 BTC", StringComparison.Ordinal)));
        Assert.Equal(48, answers.Count(a => a.Contains("Denied by policy", StringComparison.Ordinal)));
        // Round robin: both processes started their shared child, so both judged some of the fifty.
        Assert.Contains(first.Stderr, line => line.StartsWith("SERVER PID", StringComparison.Ordinal));
        Assert.Contains(second.Stderr, line => line.StartsWith("SERVER PID", StringComparison.Ordinal));

        for (var i = 0; i < 4; i++)
        {
            var transport = new HttpClientTransport(
                new HttpClientTransportOptions { Endpoint = url, TransportMode = HttpTransportMode.StreamableHttp });
            await using var client = await McpClient.CreateAsync(
                transport, new McpClientOptions { ProtocolVersion = "2025-06-18" }, cancellationToken: Ct);
            for (var call = 0; call < 3; call++)
            {
                var echo = await client.CallToolAsync(
                    "echo", new Dictionary<string, object?> { ["text"] = "s" + i }, cancellationToken: Ct);
                Assert.NotEqual(true, echo.IsError);
            }
        }
    }

    // docs/serve.md#shutdown: a gateway stopped for a rolling restart closes its listener at once, and the proxy
    // sends what it would have sent there to the other one. HAProxy retries a refused connection on the same server
    // unless told to redispatch: with the configuration the page gave before, every other request got HAProxy's 503.
    [Fact]
    public async Task OneGuardStopped_EveryRequestThroughHaproxyAnsweredByTheOther()
    {
        SkipUnlessRedisAndHaproxyInstalled();
        await using var redis = await RedisServer.StartAsync(Ct);
        await using var guards = await GuardsBehindProxy.StartAsync(redis.Url, StartHaproxyAsync);
        using var http = new HttpClient();

        Assert.Equal(143, await guards.First.TerminateAsync());
        // One after another: round robin picks the stopped guard for every other request.
        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await EchoAsync(http, guards.Url, i));
        }

        Assert.All(answers, answer => Assert.StartsWith("200 ", answer, StringComparison.Ordinal));
        Assert.All(answers, answer => Assert.Contains("echo: after", answer, StringComparison.Ordinal));
    }

    internal static async Task<string> PlaceOrderAsync(HttpClient http, Uri url, int i)
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":" + i.ToString(CultureInfo.InvariantCulture)
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"place_order\","
            + "\"arguments\":{\"symbol\":\"BTC\",\"qty\":\"1\"}," + ModernRequest.Meta + "}}";
        using var request = ModernRequest.Post(url, body, "tools/call", "place_order");
        using var response = await http.SendAsync(request, Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>A 2026-07-28 call of echo through the proxy: the status, a space, the body.</summary>
    private static async Task<string> EchoAsync(HttpClient http, Uri url, int i)
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":" + i.ToString(CultureInfo.InvariantCulture)
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
            + "\"arguments\":{\"text\":\"after\"}," + ModernRequest.Meta + "}}";
        using var request = ModernRequest.Post(url, body, "tools/call", "echo");
        using var response = await http.SendAsync(request, Ct);
        return (int)response.StatusCode + " " + await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>
    /// HAProxy with docs/serve.md's backend: sessions learned from the answer's Mcp-Session-Id. Master-worker mode
    /// (<c>-W</c>) only so that it says when it is ready: the master binds the listener before it forks the worker and
    /// prints "Loading success." after.
    /// </summary>
    private static Task<FixtureProcess> StartHaproxyAsync(int port, int first, int second)
    {
        var config = TempFiles.Write("haproxy.cfg", $"""
            defaults
              mode http
              timeout connect 5s
              timeout client 1h
              timeout server 1h
            frontend mcp
              bind 127.0.0.1:{port}
              default_backend guards
            backend guards
              balance roundrobin
              option redispatch 1
              stick-table type string len 64 size 100k expire 30m
              stick on req.hdr(Mcp-Session-Id)
              stick store-response res.hdr(Mcp-Session-Id)
              server g1 127.0.0.1:{first}
              server g2 127.0.0.1:{second}

            """);
        return FixtureProcess.StartAsync(
            "haproxy",
            () =>
            {
                var start = new ProcessStartInfo("/usr/sbin/haproxy");
                foreach (var argument in (string[])["-W", "-db", "-f", config])
                {
                    start.ArgumentList.Add(argument);
                }

                return start;
            },
            line => line.Contains("Loading success.", StringComparison.Ordinal),
            TestConstants.DefaultTimeout, Ct);
    }
}
