using McpGuard.EndToEndTests.Modern;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>run --url</c>: the TypeScript SDK v2 client over stdio, the guard, and the v2 server over Streamable HTTP
/// (both real npm peers), in both eras: "auto" negotiates 2026-07-28 (a POST per message, headers from the body),
/// "legacy" speaks 2025-11-25 (one upstream session: its id, GET stream, DELETE). What the client gets must be what
/// it gets from the same server over stdio (Modern/V2PeerTests).
/// </summary>
public sealed class RemoteV2PeerTests
{
    [Theory]
    [InlineData("auto", "2026-07-28")]
    [InlineData("legacy", "2025-11-25")]
    public async Task Deny_BothEras_ClientReadsTheDenialAndNothingRan(string era, string revision)
    {
        await using var server = await NodeHttpServer.StartV2Async();
        await using var run = V2ClientRun.Start(era, "deny", V2PeerTests.Policy, server: ["--url", server.Url]);

        Assert.Equal(revision, (await run.StepAsync("connected")).GetProperty("era").GetString());
        var denied = await run.StepAsync("denied");
        Assert.Equal("Denied by policy: orders above 1 are refused", V2ClientRun.ResultText(denied));
        Assert.Equal("echo: hi", V2ClientRun.ResultText(await run.StepAsync("allowed")));
        await run.StepAsync("closed");
        Assert.Equal(0, await run.WaitForExitAsync());
        Assert.DoesNotContain("RAN place_order", server.Stderr, StringComparison.Ordinal);
        Assert.Contains("RAN echo", server.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A hidden tool is gone from the upstream's tools/list, which the TypeScript server answers as SSE in 2025.
    /// </summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task CallBeforeList_HiddenTool_FilteredAndTheCallAnswered(string era)
    {
        await using var server = await NodeHttpServer.StartV2Async();
        await using var run = V2ClientRun.Start(
            era, "call-first", V2PeerTests.Policy + "\nhide: [wait_ms]\n", server: ["--url", server.Url]);

        Assert.Equal("echo: first", V2ClientRun.ResultText(await run.StepAsync("echo")));
        var list = await run.StepAsync("list");
        Assert.Equal(
            ["echo", "place_order", "confirm", "pick_tools", "add_tool"],
            list.GetProperty("result").EnumerateArray().Select(n => n.GetString()));
        await run.StepAsync("closed");
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task Approval_ApprovedInTheClient_TheOrderRunsOnce(string era)
    {
        await using var server = await NodeHttpServer.StartV2Async();
        await using var run = V2ClientRun.Start(
            era, "approve", V2PeerTests.Policy, approve: "yes", server: ["--url", server.Url]);

        Assert.Contains(
            "place_order", (await run.StepAsync("elicited")).GetProperty("message").GetString(),
            StringComparison.Ordinal);
        Assert.Equal("placed 0.6 BTCUSDT", V2ClientRun.ResultText(await run.StepAsync("order")));
        await run.StepAsync("closed");
        await run.WaitForExitAsync();
        Assert.Single(server.Stderr.Split('\n'), line => line.StartsWith("RAN place_order", StringComparison.Ordinal));
    }

    /// <summary>
    /// The server asks the client itself: in 2025 an <c>elicitation/create</c> on the POST's SSE stream, answered by a
    /// POST of the client's response in the session; in 2026-07-28 an <c>input_required</c> result and a retry.
    /// </summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task ServerAsksTheClient_BothEras_CompletesAsDirect(string era)
    {
        await using var server = await NodeHttpServer.StartV2Async();
        await V2PeerTests.ServerRoundsCompleteAsync(era, V2PeerTests.Policy, ["--url", server.Url]);
    }

    /// <summary>
    /// What reaches the upstream: 2026-07-28 POSTs carry MCP-Protocol-Version, Mcp-Method and Mcp-Name equal to their
    /// body and no session; the 2025 session's requests carry its id and revision, and it ends with DELETE. The guard's
    /// own header arrives on every request (its value from the guard's environment); no Cookie ever does.
    /// </summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("legacy")]
    public async Task Headers_TheGuardsOwnAndThoseOfTheEra(string era)
    {
        await using var server = await NodeHttpServer.StartV2Async();
        await using var run = V2ClientRun.Start(
            era,
            "deny",
            V2PeerTests.Policy,
            server: ["--url", server.Url, "--header", "X-Guard-Key: key-${REMOTE_TEST_KEY}"],
            environment: new Dictionary<string, string> { ["REMOTE_TEST_KEY"] = "s3cret", ["PASS_ENV"] = "1" });
        await run.StepAsync("closed");
        await run.WaitForExitAsync();

        var requests = server.Requests;
        Assert.All(
            requests, r => Assert.Equal("key-s3cret", r.GetProperty("headers").GetProperty("x-guard-key").GetString()));
        Assert.All(requests, r => Assert.False(r.GetProperty("headers").TryGetProperty("cookie", out _)));
        Assert.DoesNotContain("s3cret", run.Stderr, StringComparison.Ordinal);
        if (era == "auto")
        {
            var echo = Assert.Single(
                requests,
                r => r.GetProperty("headers").TryGetProperty("mcp-name", out var name) && name.GetString() == "echo");
            Assert.Equal("2026-07-28", echo.GetProperty("headers").GetProperty("mcp-protocol-version").GetString());
            Assert.Equal("tools/call", echo.GetProperty("headers").GetProperty("mcp-method").GetString());
            Assert.All(requests, r => Assert.False(r.GetProperty("headers").TryGetProperty("mcp-session-id", out _)));
        }
        else
        {
            var posts = requests.Where(r => r.GetProperty("method").GetString() == "POST").ToList();
            var session = posts[^1].GetProperty("headers").GetProperty("mcp-session-id").GetString();
            Assert.All(
                posts.Skip(1),
                r => Assert.Equal(session, r.GetProperty("headers").GetProperty("mcp-session-id").GetString()));
            Assert.All(
                posts.Skip(1),
                r => Assert.Equal(
                    "2025-11-25", r.GetProperty("headers").GetProperty("mcp-protocol-version").GetString()));
            Assert.All(requests, r => Assert.False(r.GetProperty("headers").TryGetProperty("mcp-name", out _)));
            Assert.Contains(requests, r => r.GetProperty("method").GetString() == "GET");
            Assert.Contains(requests, r => r.GetProperty("method").GetString() == "DELETE");
            Assert.Contains($"SESSION CLOSED {session}", server.Stderr, StringComparison.Ordinal);
        }
    }
}
