using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;

namespace McpGuard.EndToEndTests.Telemetry;

/// <summary>
/// <c>serve</c>'s spans for a 2025 session (docs/telemetry.md#spans): the SERVER span names the client's side
/// (<c>tcp</c>, the <c>Mcp-Session-Id</c> serve minted, the agent), the CLIENT span the server's: <c>pipe</c> and no
/// session for a child, <c>tcp</c> and the remote server's own session behind <c>--url</c>.
/// </summary>
public sealed class ServeSessionSpansTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LegacySessionOnAChild_ServerSpanTcpAndTheSession_ClientSpanPipe()
    {
        await using var receiver = new OtlpReceiver();
        await using var guard = await ServedGuard.StartAsync(Policy(receiver), ["node", RepoPaths.V2Server]);

        var sessionId = await CallEchoAsync(guard);

        var (server, client) = EchoSpans(receiver);
        Assert.Equal(("tcp", sessionId), (server.Attributes["network.transport"], server.Attributes["mcp.session.id"]));
        Assert.Equal("2025-06-18", server.Attributes["mcp.protocol.version"]);
        Assert.Equal(Environment.UserName, server.Attributes["mcpguard.agent"]);
        Assert.Equal("pipe", client.Attributes["network.transport"]);
        Assert.False(client.Attributes.ContainsKey("mcp.session.id"));
    }

    [Fact]
    public async Task LegacySessionBehindUrl_ClientSpanNamesTheUpstreamsOwnSession()
    {
        await using var receiver = new OtlpReceiver();
        await using var upstream = await NodeHttpServer.StartV2Async();
        await using var guard = await ServedGuard.StartAsync(Policy(receiver), [], ["--url", upstream.Url]);

        var sessionId = await CallEchoAsync(guard);

        var (server, client) = EchoSpans(receiver);
        Assert.Equal(("tcp", sessionId), (server.Attributes["network.transport"], server.Attributes["mcp.session.id"]));
        var upstreamSession = upstream.Requests
            .Select(r => r.GetProperty("headers"))
            .Where(h => h.TryGetProperty("mcp-session-id", out _))
            .Select(h => h.GetProperty("mcp-session-id").GetString())
            .Distinct()
            .Single();
        Assert.NotEqual(sessionId, upstreamSession);
        Assert.Equal(
            ("tcp", upstreamSession), (client.Attributes["network.transport"], client.Attributes["mcp.session.id"]));
    }

    private static string Policy(OtlpReceiver receiver) =>
        $"version: 1\ndefault: allow\nstate: {{ store: memory }}\ntelemetry: {{ otlp: {receiver.Endpoint} }}\n";

    /// <summary>One echo call in a 2025 session, the guard then stopped (the spans are sent on exit).</summary>
    private static async Task<string> CallEchoAsync(ServedGuard guard)
    {
        string? sessionId;
        await using (var client = await guard.ConnectAsync(new McpClientOptions { ProtocolVersion = "2025-06-18" }))
        {
            sessionId = client.SessionId;
            await client.CallToolAsync(
                "echo", new Dictionary<string, object?> { ["text"] = "hi" }, cancellationToken: Ct);
        }

        await guard.TerminateAsync();
        Assert.NotNull(sessionId);
        return sessionId;
    }

    private static (ReceivedSpan Server, ReceivedSpan Client) EchoSpans(OtlpReceiver receiver) => (
        Assert.Single(receiver.Spans, s => s.Name == "tools/call echo" && s.Kind == 2),
        Assert.Single(receiver.Spans, s => s.Name == "tools/call echo" && s.Kind == 3));
}
