using System.Net;
using System.Text.RegularExpressions;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// <c>GET /readyz</c> says whether the gateway can serve a call (docs/serve.md#health): the policy is loaded, the
/// counter store answers, and the server can be reached — its command can be started, or the remote server answers.
/// A load balancer takes a gateway that cannot out of rotation; <c>/healthz</c> only says the process serves.
/// </summary>
public sealed class ServeReadinessTests
{
    private const string Policy = "version: 1\ndefault: allow\nstate: { store: memory }\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ready_WhenTheChildCanStartAndTheStoreAnswers()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, ["node", RepoPaths.V2Server]);

        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(guard, "/readyz"));
    }

    /// <summary>
    /// HEAD is GET without the body (RFC 9110 9.3.2: a server MUST support both); monitors and some health checkers
    /// probe with it, and a 405 would count as down.
    /// </summary>
    [Fact]
    public async Task Head_ProbesAnswerAsGetWithoutABody()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, ["node", RepoPaths.V2Server]);
        using var http = new HttpClient();

        foreach (var path in (string[])["/healthz", "/readyz"])
        {
            using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(guard.Url, path));
            using var response = await http.SendAsync(head, Ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
        }
    }

    [Fact]
    public async Task NotReady_WhenTheServerCommandDoesNotExist()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, ["/no/such/mcp-server"]);

        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(guard, "/healthz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ProbeAsync(guard, "/readyz"));
    }

    [Fact]
    public async Task ServerCommandDoesNotExist_TheRequestGets502AndStderrSaysWhy()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, ["/no/such/mcp-server"]);
        using var http = new HttpClient();
        using var initialize = new HttpRequestMessage(HttpMethod.Post, guard.Url)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","""
                    + """ "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""",
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        initialize.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await http.SendAsync(initialize, Ct);
        await guard.TerminateAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Single(
            guard.Stderr, line => line.Contains("'/no/such/mcp-server' does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotReady_WhenTheRemoteServerRefusesConnections()
    {
        string url;
        await using (var closed = new ScriptedUpstream(_ => null))
        {
            url = closed.Url;
        }

        await using var guard = await ServedGuard.StartAsync(Policy, [], ["--url", url]);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ProbeAsync(guard, "/readyz"));
    }

    [Fact]
    public async Task NotReady_WhenTheCounterStoreCannotBeReached()
    {
        var file = Path.Combine(Path.GetTempPath(), $"mcpguard-not-a-folder-{Guid.NewGuid():n}");
        await File.WriteAllTextAsync(file, "a file where the store's folder should be", Ct);
        try
        {
            var policy = $"version: 1\ndefault: allow\nstate: {{ store: sqlite, path: {file}/state.db }}\n";
            await using var guard = await ServedGuard.StartAsync(policy, ["node", RepoPaths.V2Server]);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ProbeAsync(guard, "/readyz"));
            // qa31: the store was named twice ("… cannot be reached (the … store … cannot be read: …)").
            await guard.WaitForStderrAsync("Not ready (GET /readyz answers 503)");
            var line = Assert.Single(guard.Stderr, l => l.Contains("Not ready", StringComparison.Ordinal));
            Assert.Single(Regex.Matches(line, "SQLite store"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<HttpStatusCode> ProbeAsync(ServedGuard guard, string path)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(guard.Url, path), Ct);
        return response.StatusCode;
    }
}
