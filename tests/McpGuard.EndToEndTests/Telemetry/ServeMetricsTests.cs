using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpGuard.EndToEndTests.Serve;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Telemetry;

/// <summary>
/// <c>telemetry.prometheus</c> on <c>serve</c> (docs/telemetry.md): <c>GET /metrics</c> behind the endpoint's own auth,
/// its counters moving with the calls the gateway decides.
/// </summary>
public sealed class ServeMetricsTests
{
    private const string Policy =
        "version: 1\ndefault: allow\ntools:\n  place_order: deny\nserve:\n  auth: { tokens: agents.yaml }\n"
        + "telemetry:\n  prometheus: true\n";

    private const string Modern = ModernRequest.Meta;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_NeedTheToken_AndCountTheDecisions()
    {
        var home = DeskProcess.NewHome();
        var token = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "alice");
        await using var guard = await ServedGuard.StartAsync(Policy, ["node", RepoPaths.V2Server], home: home);
        using var http = new HttpClient();
        var metrics = new Uri(guard.Url, "/metrics");

        var anonymous = await http.GetAsync(metrics, Ct);
        var before = await ScrapeAsync(http, metrics, token);
        var denied = await CallAsync(http, guard, token, "place_order", """{"symbol":"BTCUSDT","qty":"9"}""");
        var allowed = await CallAsync(http, guard, token, "echo", """{"text":"hi"}""");
        var after = await ScrapeAsync(http, metrics, token);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Denied by policy", denied, StringComparison.Ordinal);
        Assert.Contains("echo: hi", allowed, StringComparison.Ordinal);
        Assert.DoesNotContain("mcpguard_decisions_total{", before, StringComparison.Ordinal);
        Assert.Contains(
            "mcpguard_decisions_total{decision=\"deny\",rule=\"tools.place_order\",tool=\"place_order\"} 1\n", after,
            StringComparison.Ordinal);
        Assert.Contains(
            "mcpguard_decisions_total{decision=\"allow\",rule=\"default\",tool=\"echo\"} 1\n", after,
            StringComparison.Ordinal);
        Assert.Contains("# TYPE mcp_server_operation_duration_seconds histogram", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithOtlpOn_AScrapeRightAfterACall_CountsItsDuration()
    {
        // Durations are counted on the span export thread a batch at a time (every 5 s by default): the scrape has
        // the queued ones counted first. Before, the histogram had no series for the call yet.
        await using var receiver = new OtlpReceiver();
        var policy = Policy + $"  otlp: {receiver.Endpoint}\n";
        var home = DeskProcess.NewHome();
        var token = await ServeHttpBoundsTests.AddAgentAsync(home, policy, "alice");
        await using var guard = await ServedGuard.StartAsync(policy, ["node", RepoPaths.V2Server], home: home);
        using var http = new HttpClient();

        var allowed = await CallAsync(http, guard, token, "echo", """{"text":"hi"}""");
        var after = await ScrapeAsync(http, new Uri(guard.Url, "/metrics"), token);

        Assert.Contains("echo: hi", allowed, StringComparison.Ordinal);
        Assert.Contains(
            after.Split('\n'),
            line => line.StartsWith("mcp_server_operation_duration_seconds_count{", StringComparison.Ordinal)
                && line.Contains("tools/call", StringComparison.Ordinal)
                && line.EndsWith(" 1", StringComparison.Ordinal));
    }

    /// <summary>
    /// HEAD is GET without the body (RFC 9110 9.3.2: a server MUST support both), as on the probes; behind the same
    /// auth. Before, HEAD /metrics got the router's 405.
    /// </summary>
    [Fact]
    public async Task Head_AnswersAsGetWithoutABody_BehindTheSameAuth()
    {
        var home = DeskProcess.NewHome();
        var token = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "alice");
        await using var guard = await ServedGuard.StartAsync(Policy, ["node", RepoPaths.V2Server], home: home);
        using var http = new HttpClient();
        var metrics = new Uri(guard.Url, "/metrics");

        using var anonymous = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, metrics), Ct);
        using var head = new HttpRequestMessage(HttpMethod.Head, metrics);
        head.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(head, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task OtherSpellingsOfThePaths_NeedTheTokenToo()
    {
        // The router matches paths case-insensitively and with a trailing slash: /Metrics and /metrics/ answered
        // the scrape to anyone, and /MCP or /mcp/ passed no check at all (a 500, with no agent to name).
        var home = DeskProcess.NewHome();
        await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "alice");
        await using var guard = await ServedGuard.StartAsync(Policy, ["node", RepoPaths.V2Server], home: home);
        using var http = new HttpClient();

        var statuses = new List<string>();
        foreach (var path in new[] { "/metrics", "/Metrics", "/metrics/", "/METRICS/" })
        {
            using var response = await http.GetAsync(new Uri(guard.Url, path), Ct);
            statuses.Add($"GET {path} {(int)response.StatusCode}");
        }

        foreach (var path in new[] { "/mcp", "/MCP", "/mcp/", "/Mcp/" })
        {
            using var content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"ping"}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(guard.Url, path), content, Ct);
            statuses.Add($"POST {path} {(int)response.StatusCode}");
        }

        Assert.Equal(
            ["GET /metrics 401", "GET /Metrics 401", "GET /metrics/ 401", "GET /METRICS/ 401",
                "POST /mcp 401", "POST /MCP 401", "POST /mcp/ 401", "POST /Mcp/ 401"],
            statuses);
    }

    private static async Task<string> ScrapeAsync(HttpClient http, Uri metrics, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, metrics);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private static async Task<string> CallAsync(
        HttpClient http, ServedGuard guard, string token, string tool, string arguments)
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
            + "\",\"arguments\":" + arguments
            + "," + Modern + "}}";
        using var request = ModernRequest.Post(guard.Url, body, "tools/call", tool);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }
}
