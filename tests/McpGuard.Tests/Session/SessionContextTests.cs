using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Session;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Session;

/// <summary>
/// Server identity is session state (docs/architecture.md#the-call-decider): one engine (one process, as in serve)
/// guards two sessions whose servers report different names, and each picks its own vendor catalogue.
/// </summary>
public sealed class SessionContextTests
{
    // No risk.catalogue: the catalogue is picked by each server's reported name. The Bybit catalogue classes
    // set_trading_stop write; by its name alone ("stop") it is destructive.
    private const string Policy = """
        version: 1
        default: deny
        risk:
          write: allow
          destructive: deny
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoSessionsOneEngine_ServersReportDifferentNames_EachDecidesByItsOwnCatalogue()
    {
        var engine = new PolicyEngine(PolicyLoader.LoadText(Policy, "p.yaml").Policy!);
        var bybit = await StartAsync(engine, "bybit-mcp");
        var other = await StartAsync(engine, "some-other-server");

        var forwarded = await CallAsync(bybit);
        var denied = await CallAsync(other);

        Assert.Equal("server", forwarded);
        Assert.Equal("client", denied);

        // The first session still decides by its own server's name after the second one spoke.
        Assert.Equal("server", await CallAsync(bybit));
    }

    private static async Task<(GuardSession Session, RecordingPeer Client, RecordingPeer Server)> StartAsync(
        PolicyEngine engine, string name)
    {
        var client = new RecordingPeer();
        var server = new RecordingPeer();
        var session = InMemorySession.Start(engine, client, server);
        await session.FromClientAsync(
            """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        await server.NextAsync();
        const string Initialized =
            """{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18","capabilities":{}"""
            + ""","serverInfo":{"name":"NAME","version":"1"}}}""";
        await session.FromServerAsync(Initialized.Replace("NAME", name, StringComparison.Ordinal));
        await client.NextAsync();
        await session.FromClientAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        await server.NextAsync();
        await session.FromServerAsync(
            """{"jsonrpc":"2.0","id":1,"result":{"tools":"""
                + """[{"name":"set_trading_stop","inputSchema":{"type":"object"}}]}}""");
        await client.NextAsync();
        return (session, client, server);
    }

    private static int s_id = 10;

    /// <summary>
    /// Calls set_trading_stop; says who got the call: the server (forwarded) or the client (an answer).
    /// </summary>
    private static async Task<string> CallAsync(
        (GuardSession Session, RecordingPeer Client, RecordingPeer Server) guard)
    {
        var id = Interlocked.Increment(ref s_id);
        await guard.Session.FromClientAsync(
            """{"jsonrpc":"2.0","id":ID,"method":"tools/call","params":{"name":"set_trading_stop"}}""".Replace(
                "ID", $"{id}", StringComparison.Ordinal));

        // A listed tool without limits is decided on the spot: by now the call went one way or the other.
        if (!guard.Server.IsDrained)
        {
            Assert.Contains($"\"id\":{id}", await guard.Server.NextAsync(), StringComparison.Ordinal);
            return "server";
        }

        Assert.Contains($"\"id\":{id}", await guard.Client.NextAsync(), StringComparison.Ordinal);
        return "client";
    }
}
