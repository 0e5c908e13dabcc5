using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// A remote server that answers 404 to a request carrying its <c>Mcp-Session-Id</c> has ended that session (it
/// restarted, or expired it): the guard's session over it ends too, with one line saying why, instead of failing
/// every later request while the client never learns to initialize again (docs/remote.md#failures).
/// </summary>
public sealed class UpstreamSessionEndedTests
{
    private const string Policy = "version: 1\ndefault: allow\nstate: { store: memory }\n";

    [Fact]
    public async Task Upstream404OnItsSession_TheGuardsSessionEnds()
    {
        await using var upstream = new ScriptedUpstream(request => request.RpcMethod switch
        {
            "initialize" => ScriptedUpstream.Response("200 OK", "application/json", ScriptedUpstream.Result(
                request, """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"""
                    + "\"serverInfo\":{\"name\":\"u\",\"version\":\"1\"}}"), "Mcp-Session-Id: up-1\r\n"),
            "notifications/initialized" => ScriptedUpstream.Response("202 Accepted", null, ""),
            _ when request.Method == "GET" => ScriptedUpstream.Response("405 Method Not Allowed", null, ""),
            _ => ScriptedUpstream.Response("404 Not Found", null, ""),
        });
        var home = Directory.CreateTempSubdirectory("mcpguard-session-ended-").FullName;
        await using var guard = RawGuard.Start(
            Policy, [], ["--url", upstream.Url], new Dictionary<string, string> { ["MCPGUARD_HOME"] = home });
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        await guard.ResponseAsync("1");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");

        await guard.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");

        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.Contains("the upstream ended its session", guard.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream404ToANotification_TheGuardsSessionEnds()
    {
        await using var upstream = new ScriptedUpstream(request => request.RpcMethod switch
        {
            "initialize" => Initialized(request),
            _ when request.Method == "GET" => ScriptedUpstream.Response("405 Method Not Allowed", null, ""),
            _ => ScriptedUpstream.Response("404 Not Found", null, ""),
        });
        await using var guard = await StartInitializedAsync(upstream);

        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");

        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.Contains("the upstream ended its session", guard.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream404ToTheGetStream_TheGuardsSessionEnds()
    {
        await using var upstream = new ScriptedUpstream(request => request.RpcMethod switch
        {
            "initialize" => Initialized(request),
            "notifications/initialized" => ScriptedUpstream.Response("202 Accepted", null, ""),
            _ => ScriptedUpstream.Response("404 Not Found", null, ""),
        });
        await using var guard = await StartInitializedAsync(upstream);

        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");

        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.Contains("the upstream ended its session", guard.Stderr, StringComparison.Ordinal);
        Assert.Contains(upstream.Requests, request => request.Method == "GET");
    }

    private static string Initialized(UpstreamRequest request) =>
        ScriptedUpstream.Response("200 OK", "application/json", ScriptedUpstream.Result(
            request, """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"""
                + "\"serverInfo\":{\"name\":\"u\",\"version\":\"1\"}}"), "Mcp-Session-Id: up-1\r\n");

    /// <summary>A guard over <paramref name="upstream"/> whose client's initialize was answered.</summary>
    private static async Task<RawGuard> StartInitializedAsync(ScriptedUpstream upstream)
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-session-ended-").FullName;
        var guard = RawGuard.Start(
            Policy, [], ["--url", upstream.Url], new Dictionary<string, string> { ["MCPGUARD_HOME"] = home });
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        await guard.ResponseAsync("1");
        return guard;
    }
}
