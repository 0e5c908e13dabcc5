using System.Diagnostics;
using McpGuard.EndToEndTests.TestUtils;
using McpGuard.Tests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// Two <c>serve</c> processes on one redis-server behind nginx with the configuration of docs/serve.md#nginx:
/// round robin for 2026-07-28 traffic, the client's <c>Host</c> passed on (nginx's default, the upstream block's
/// name, is refused as DNS rebinding), counters shared exactly.
/// </summary>
public sealed class ServeBehindNginxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoGuardsOneRedisBehindNginx_ThirtyCallsAgainstMaxTwo_ExactlyTwoRun()
    {
        Assert.SkipUnless(
            RedisServer.IsInstalled,
            "redis-server is not installed (Debian package redis-server; .ci/run installs it)");
        Assert.SkipUnless(
            File.Exists("/usr/sbin/nginx"), "nginx is not installed (Debian package nginx; .ci/apt-packages)");
        await using var redis = await RedisServer.StartAsync(Ct);
        await using var guards = await GuardsBehindProxy.StartAsync(redis.Url, StartNginxAsync);
        var (first, second, url) = (guards.First, guards.Second, guards.Url);
        using var http = new HttpClient();

        var answers = await Task.WhenAll(
            Enumerable.Range(0, 30).Select(i => ServeScaleOutTests.PlaceOrderAsync(http, url, i)));

        Assert.Equal(2, answers.Count(a => a.Contains("placed 1 BTC", StringComparison.Ordinal)));
        Assert.Equal(28, answers.Count(a => a.Contains("Denied by policy", StringComparison.Ordinal)));
        Assert.Equal(2, first.Stderr.Concat(second.Stderr)
            .Count(line => line.StartsWith("RAN place_order", StringComparison.Ordinal)));
        Assert.Contains(first.Stderr, line => line.StartsWith("SERVER PID", StringComparison.Ordinal));
        Assert.Contains(second.Stderr, line => line.StartsWith("SERVER PID", StringComparison.Ordinal));
    }

    /// <summary>nginx in the foreground with docs/serve.md's block; ready once it starts its worker.</summary>
    private static Task<FixtureProcess> StartNginxAsync(int port, int first, int second)
    {
        var prefix = Directory.CreateTempSubdirectory("mcpguard-nginx-").FullName;
        var config = TempFiles.Write("nginx.conf", $$"""
            daemon off;
            worker_processes 1;
            pid {{prefix}}/nginx.pid;
            error_log stderr notice;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{prefix}}/body;
              proxy_temp_path {{prefix}}/proxy;
              fastcgi_temp_path {{prefix}}/fastcgi;
              uwsgi_temp_path {{prefix}}/uwsgi;
              scgi_temp_path {{prefix}}/scgi;
              upstream guards {
                server 127.0.0.1:{{first}};
                server 127.0.0.1:{{second}};
              }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://guards;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_set_header Host $http_host;
                  proxy_read_timeout 1h;
                }
              }
            }

            """);
        return FixtureProcess.StartAsync(
            "nginx",
            () =>
            {
                var start = new ProcessStartInfo("/usr/sbin/nginx");
                foreach (var argument in (string[])["-p", prefix, "-c", config])
                {
                    start.ArgumentList.Add(argument);
                }

                return start;
            },
            line => line.Contains("start worker process", StringComparison.Ordinal),
            TestConstants.DefaultTimeout, Ct);
    }
}
