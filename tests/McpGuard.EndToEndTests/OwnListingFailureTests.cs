using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// A call before the client listed makes the guard list the server's tools itself. When that listing fails (the
/// server refuses it, the upstream cannot be reached), the call gets an error that says so — the server's own words,
/// or the upstream and its failure — and stderr gets one line for it, no stack trace.
/// </summary>
public sealed class OwnListingFailureTests
{
    private const string Policy = "version: 1\ndefault: allow\nstate: { store: memory }\n";

    private const string Initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    private const string Call =
        """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}}""";

    /// <summary>Answers initialize; every other request gets a JSON-RPC error of its own.</summary>
    private const string RefusesEverything = Scripts.Preamble + "\n" + """
        rl.on('line', l => {
          const m = JSON.parse(l);
          if (m.id === undefined) return;
          if (m.method === 'initialize') send(initialized(m, 'refuses'));
          else send({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'Listing is closed today' } });
        });
        rl.on('close', () => process.exit(0));
        """;

    [Fact]
    public async Task Run_ServerRefusesTheGuardsListing_CallErrorQuotesTheServer()
    {
        await using var guard = RawGuard.Start(Policy, Scripts.Node(RefusesEverything));
        await guard.SendAsync(Initialize);
        await guard.ResponseAsync("0");

        await guard.SendAsync(Call);
        var message = (await guard.ResponseAsync("1")).GetProperty("error").GetProperty("message").GetString();

        Assert.Contains("tools/list", message, StringComparison.Ordinal);
        Assert.Contains("Listing is closed today", message, StringComparison.Ordinal);
        guard.CloseStdin();
        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.DoesNotContain("   at ", guard.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A 2026-07-28 client that calls first, before any session, guarded in front of a server that dies of any request
    /// before initialize (the Python SDK 1.9.3, the real Bybit server's lock). The guard's own listing is what killed
    /// it: the call gets the same "Method not found" the guard gives every modern request the dead server was sent
    /// (docs/relay.md#a-2025-only-server-and-a-modern-client), not an internal error, and the client's fallback to
    /// initialize on the same connection reaches the restarted server.
    /// </summary>
    [Fact]
    public async Task Run_ModernCallFirstToAServerThatDiesOfIt_MethodNotFoundThenInitializeWorks()
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-listing-home-").FullName;
        await using var guard = RawGuard.Start(
            BybitServers.SamplePolicy(),
            BybitServers.Command(BybitServers.ExitsBeforeInitialize),
            environment: new Dictionary<string, string> { ["MCPGUARD_HOME"] = home, ["HOME"] = home });

        await guard.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_server_time","""
            + """ "arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","""
            + """ "io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"},"""
            + """ "io.modelcontextprotocol/clientCapabilities":{}}}}""");
        var refused = await guard.ResponseAsync("1");
        await guard.SendAsync(Initialize);
        await guard.ResponseAsync("0");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_server_time","arguments":{}}}""");
        var answered = await guard.ResponseAsync("2");

        Assert.Equal(
            """{"code":-32601,"message":"Method not found"}""", refused.GetProperty("error").GetRawText());
        Assert.True(answered.TryGetProperty("result", out _), answered.GetRawText());
        guard.CloseStdin();
        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.DoesNotContain("   at ", guard.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunUrl_UpstreamRefusesConnections_CallErrorNamesTheUpstreamAndTheFailure()
    {
        string url;
        await using (var closed = new ScriptedUpstream(_ => null))
        {
            url = closed.Url;
        }

        var home = new Dictionary<string, string>
        {
            ["MCPGUARD_HOME"] = Directory.CreateTempSubdirectory("mcpguard-listing-home-").FullName,
        };
        await using var guard = RawGuard.Start(Policy, [], ["--url", url], home);

        await guard.SendAsync(Call);
        var message = (await guard.ResponseAsync("1")).GetProperty("error").GetProperty("message").GetString();

        Assert.Contains(url, message, StringComparison.Ordinal);
        Assert.Contains("refused", message, StringComparison.Ordinal);
        guard.CloseStdin();
        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.DoesNotContain("   at ", guard.Stderr, StringComparison.Ordinal);
    }
}
