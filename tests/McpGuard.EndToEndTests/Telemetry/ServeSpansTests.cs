using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Telemetry;

/// <summary>
/// <c>serve</c>'s spans for 2026-07-28 requests, which share one child under ids of the guard's own
/// (docs/serve.md): the SERVER span is the client's request and names the client's id, as the client's own span
/// does; the CLIENT span names the id the server was sent.
/// </summary>
public sealed class ServeSpansTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ModernRequestOnTheSharedChild_ServerSpanNamesTheClientsId()
    {
        await using var receiver = new OtlpReceiver();
        await using var guard = await ServedGuard.StartAsync(
            $"version: 1\ndefault: allow\ntelemetry: {{ otlp: {receiver.Endpoint} }}\n", ["node", RepoPaths.V2Server]);
        using var http = new HttpClient();
        const string Body = """
            {"jsonrpc":"2.0","id":"c7","method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},
            "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
            "io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"},
            "io.modelcontextprotocol/clientCapabilities":{}}}}
            """;
        using var request = ModernRequest.Post(guard.Url, Body, "tools/call", "echo");

        using var response = await http.SendAsync(request, Ct);
        var answer = await response.Content.ReadAsStringAsync(Ct);
        await guard.TerminateAsync(); // the spans are sent on exit

        Assert.Contains("echo: hi", answer, StringComparison.Ordinal);
        var server = Assert.Single(receiver.Spans, s => s.Name == "tools/call echo" && s.Kind == 2);
        Assert.Equal("c7", server.Attributes["jsonrpc.request.id"]);
        var client = Assert.Single(receiver.Spans, s => s.Name == "tools/call echo" && s.Kind == 3);
        Assert.StartsWith("mcpguard-", client.Attributes["jsonrpc.request.id"], StringComparison.Ordinal);
    }
}
