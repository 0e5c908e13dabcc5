using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Telemetry;

/// <summary>
/// <c>run --url</c> in front of server-everything's Streamable HTTP, exported to an OTLP receiver the test starts
/// (docs/telemetry.md): the SERVER span is the stdio client's request (<c>pipe</c>), the CLIENT span the HTTP request
/// to the server (<c>tcp</c>); the caller's <c>traceparent</c> is the parent, the redaction is counted, and no
/// argument value is exported.
/// </summary>
public sealed class RemoteSpansTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentSpanId = "00f067aa0ba902b7";

    [Fact]
    public async Task RunUrl_ServerSpanPipeClientSpanTcp_ParentedRedactionCountedNoArguments()
    {
        await using var receiver = new OtlpReceiver();
        await using var server = await NodeHttpServer.StartEverythingAsync();
        var policy = $$"""
            version: 1
            default: allow
            state:
              store: memory
            results:
              redact: [emails]
            telemetry: { otlp: {{receiver.Endpoint}} }
            """;
        var home = new Dictionary<string, string>
        {
            ["MCPGUARD_HOME"] = Directory.CreateTempSubdirectory("mcpguard-remote-home-").FullName,
        };
        await using (var guard = RawGuard.Start(policy, [], ["--url", server.Url], home))
        {
            await guard.SendAsync(
                """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","""
                    + """ "capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
            await guard.ResponseAsync("0");
            await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await guard.SendAsync(
                """{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"echo","arguments":"""
                    + """{"message":"ask bob@example.com"},"_meta":{"traceparent":"00-""" + TraceId + "-"
                    + ParentSpanId + """-01"}}}""");
            Assert.Contains(
                "[redacted: emails]", (await guard.ResponseAsync("\"c1\"")).GetRawText(), StringComparison.Ordinal);
            guard.CloseStdin();
            Assert.Equal(0, await guard.WaitForExitAsync());
        }

        var call = Assert.Single(receiver.Spans, s => s.Name == "tools/call echo" && s.Kind == 2);
        var forwarded = Assert.Single(receiver.Spans, s => s.Name == "tools/call echo" && s.Kind == 3);
        Assert.Equal((TraceId, ParentSpanId), (call.TraceId, call.ParentSpanId));
        Assert.Equal((TraceId, call.SpanId), (forwarded.TraceId, forwarded.ParentSpanId));
        Assert.Equal("pipe", call.Attributes["network.transport"]);
        Assert.Equal("tcp", forwarded.Attributes["network.transport"]);
        Assert.Equal("c1", forwarded.Attributes["jsonrpc.request.id"]);
        // The server minted a 2025 session: the CLIENT span names it; the SERVER span (stdio) has none.
        var session = forwarded.Attributes.GetValueOrDefault("mcp.session.id", "");
        Assert.NotEmpty(session);
        Assert.False(call.Attributes.ContainsKey("mcp.session.id"));

        // The initialize that opened it too: the id is known once its answer arrives, before its span ends.
        var initialize = Assert.Single(receiver.Spans, s => s.Name == "initialize" && s.Kind == 3);
        Assert.Equal(session, initialize.Attributes.GetValueOrDefault("mcp.session.id"));
        Assert.Equal("1", call.Attributes["mcpguard.redactions"]);
        Assert.DoesNotContain(
            receiver.Spans.SelectMany(s => s.Attributes.Values), v => v.Contains("bob@", StringComparison.Ordinal));
    }
}
