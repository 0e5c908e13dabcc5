using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>run --url</c> in front of server-everything in its own Streamable HTTP mode (a 2025-era server with sessions),
/// with the TypeScript SDK v2 client over stdio: a legacy client speaks 2025 from the start; an auto client finds
/// the upstream does not speak 2026-07-28 and falls back, as it would directly.
/// </summary>
public sealed class RemoteEverythingTests
{
    private const string Policy = """
        version: 1
        default: allow
        hide: [get-env]
        """;

    [Theory]
    [InlineData("legacy")]
    [InlineData("auto")]
    public async Task ListAndCall_HiddenToolGoneAndCallsAnswered(string era)
    {
        await using var server = await NodeHttpServer.StartEverythingAsync();
        await using var run = V2ClientRun.Start(era, "everything", Policy, server: ["--url", server.Url]);

        var tools = (await run.StepAsync("list")).GetProperty("result").EnumerateArray().Select(t => t.GetString())
            .ToList();
        Assert.Contains("echo", tools);
        Assert.DoesNotContain("get-env", tools);
        Assert.Equal("Echo: hi", V2ClientRun.ResultText(await run.StepAsync("echo")));
        Assert.Contains("3", V2ClientRun.ResultText(await run.StepAsync("sum")), StringComparison.Ordinal);
        await run.StepAsync("closed");
        Assert.Equal(0, await run.WaitForExitAsync());
    }

    /// <summary>
    /// server-everything answers a 2026-07-28 request with HTTP 400 (and an error without an id). Through the guard
    /// the request gets what a 2026-07-28 server says of a revision it does not implement: -32022 with the revisions
    /// it does (initialize's), naming the upstream, so a client falls back to initialize (before: -32603 "McpGuard
    /// got no answer from the upstream"). Then initialize works on the same connection, and a 2025-era request
    /// still refused with 400 keeps its -32603.
    /// </summary>
    [Fact]
    public async Task ModernRequest_UpstreamOf2025Only_UnsupportedProtocolVersionThenInitializeWorks()
    {
        await using var server = await NodeHttpServer.StartEverythingAsync();
        await using var guard = RawGuard.Start(Policy, [], ["--url", server.Url]);

        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{""" + ModernRequest.Meta + "}}");
        var refused = (await guard.ResponseAsync("1")).GetProperty("error");
        await guard.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
        var legacy = (await guard.ResponseAsync("2")).GetProperty("error");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":3,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        var initialized = await guard.ResponseAsync("3");

        Assert.Equal(-32022, refused.GetProperty("code").GetInt32());
        Assert.Contains(server.Url, refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("HTTP 400", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("2026-07-28", refused.GetProperty("data").GetProperty("requested").GetString());
        Assert.Contains(
            "2025-11-25",
            refused.GetProperty("data").GetProperty("supported").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(-32603, legacy.GetProperty("code").GetInt32());
        Assert.Equal(
            "2025-11-25", initialized.GetProperty("result").GetProperty("protocolVersion").GetString());
    }
}
