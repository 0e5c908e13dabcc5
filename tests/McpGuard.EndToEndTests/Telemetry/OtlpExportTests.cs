using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Telemetry;

/// <summary>
/// A guarded session exported over OTLP/HTTP to a receiver the test starts (docs/telemetry.md): a SERVER and a CLIENT
/// span per forwarded call with the MCP and guard attributes, the caller's traceparent as the parent, the decision
/// counters; no argument value unless opted in; nothing at all with telemetry off.
/// </summary>
public sealed class OtlpExportTests
{
    private const string Secret = "argument-value-never-exported";
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentSpanId = "00f067aa0ba902b7";

    private static string Policy(string telemetry) => $"""
        version: 1
        default: deny
        hide: [get-env]
        tools:
          echo: allow
          get-sum: deny
          get-tiny-image: require_approval
        approval:
          timeout: 30s
          channels: [command]
          command: [sh, -c, "cat > /dev/null; exit 0"]
        limits:
          rate_limit:
            max: 3
            window: 1h
        state:
          store: memory
        results:
          redact: [emails]
        {telemetry}
        """;

    [Fact]
    public async Task Session_AllowedDeniedHiddenApproved_SpansAndMetricsWithAttributes()
    {
        await using var receiver = new OtlpReceiver();
        await RunSessionAsync(Policy($"telemetry: {{ otlp: {receiver.Endpoint} }}"));

        var echo = Assert.Single(
            receiver.Spans,
            s => s.Name == "tools/call echo" && s.Kind == 2 && s.Attributes["jsonrpc.request.id"] == "c1");
        Assert.Equal(TraceId, echo.TraceId);
        Assert.Equal(ParentSpanId, echo.ParentSpanId);
        Assert.Equal("tools/call", echo.Attributes["mcp.method.name"]);
        Assert.Equal("echo", echo.Attributes["gen_ai.tool.name"]);
        Assert.Equal("execute_tool", echo.Attributes["gen_ai.operation.name"]);
        Assert.Equal("c1", echo.Attributes["jsonrpc.request.id"]);
        Assert.Equal("pipe", echo.Attributes["network.transport"]);
        Assert.Equal("2025-06-18", echo.Attributes["mcp.protocol.version"]); // what server-everything's initialize said
        Assert.Equal("allow", echo.Attributes["mcpguard.decision"]);
        Assert.Equal("tools.echo", echo.Attributes["mcpguard.rule"]);
        Assert.True(echo.Attributes.ContainsKey("mcpguard.agent"));
        var forwarded = Assert.Single(
            receiver.Spans, s => s.Name == "tools/call echo" && s.Kind == 3 && s.ParentSpanId == echo.SpanId);
        Assert.Equal("c1", forwarded.Attributes["jsonrpc.request.id"]);
        Assert.Equal("2025-06-18", forwarded.Attributes["mcp.protocol.version"]);

        Assert.Equal(
            "deny", Assert.Single(receiver.Spans, s => s.Name == "tools/call get-sum").Attributes["mcpguard.decision"]);
        Assert.DoesNotContain(receiver.Spans, s => s.Name == "tools/call get-sum" && s.Kind == 3);
        // A hidden tool's name is the agent's text: not in the span's name, only its gen_ai.tool.name.
        var hidden = Assert.Single(
            receiver.Spans, s => s.Attributes.GetValueOrDefault("gen_ai.tool.name") == "get-env");
        Assert.Equal(("tools/call", "hidden"), (hidden.Name, hidden.Attributes["mcpguard.decision"]));
        var approved = Assert.Single(receiver.Spans, s => s.Name == "tools/call get-tiny-image" && s.Kind == 2);
        Assert.Equal("approved", approved.Attributes["mcpguard.decision"]);
        Assert.Equal("command", approved.Attributes["mcpguard.approval.channel"]);
        var redacted = Assert.Single(
            receiver.Spans, s => s.Kind == 2 && s.Attributes["jsonrpc.request.id"] == "c0");
        Assert.Equal("1", redacted.Attributes["mcpguard.redactions"]);
        Assert.DoesNotContain(
            receiver.Spans,
            s => s.Attributes["jsonrpc.request.id"] == "c1" && s.Attributes.ContainsKey("mcpguard.redactions"));

        var decisions = receiver.Metrics.Where(m => m.Name == "mcpguard.decisions").SelectMany(m => m.Points).ToList();
        foreach (var decision in (string[])["allow", "deny", "hidden", "approved"])
        {
            Assert.Contains(decisions, p => p["decision"] == decision);
        }

        Assert.Contains(receiver.Metrics, m => m.Name == "mcp.server.operation.duration");
        Assert.Contains(
            receiver.Metrics,
            m => m.Name == "mcpguard.limit.refusals"
                && m.Points.Any(p => p["entry"] == "limits" && p["kind"] == "rate_limit" && p["window"] == "1h"));
        Assert.Contains(
            receiver.Metrics, m => m.Name == "mcpguard.approvals" && m.Points.Any(p => p["channel"] == "command"));
        Assert.DoesNotContain(
            receiver.Spans.SelectMany(s => s.Attributes.Values), v => v.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SessionShorterThanTheExportInterval_LimitGaugesInTheLastPost()
    {
        // The metrics' interval is the default minute, so the only post is the one on exit: it carries each limit's
        // use as the guard ended. Until the eighteenth session the gauges left before that post (hqa20).
        await using var receiver = new OtlpReceiver();
        await RunSessionAsync(Policy($"telemetry: {{ otlp: {receiver.Endpoint} }}"));

        var used = receiver.Metrics.Where(m => m.Name == "mcpguard.limit.used").SelectMany(m => m.Points);
        Assert.Contains(used, p => p["entry"] == "limits" && p["kind"] == "rate_limit" && p["window"] == "1h");
        Assert.Contains(receiver.Metrics, m => m.Name == "mcpguard.limit.max");
    }

    [Fact]
    public async Task ResultBlockedAndAPrompt_ClientSpanAsTheServerAnswered_PromptNamed()
    {
        // The server answered the call; the result policy withheld the answer: the client got an isError denial (the
        // SERVER span's tool_error), while the exchange with the server (the CLIENT span) succeeded.
        await using var receiver = new OtlpReceiver();
        await using (var guard = RawGuard.Start(
            Policy($"telemetry: {{ otlp: {receiver.Endpoint} }}").Replace(
                "redact: [emails]", "block: [emails]", StringComparison.Ordinal),
            GuardedServer.Everything()))
        {
            await guard.SendAsync(
                """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
                    + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":"""
                    + """{"name":"t","version":"1"}}}""");
            await guard.ResponseAsync("0");
            await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await guard.SendAsync(
                """{"jsonrpc":"2.0","id":"b1","method":"tools/call","params":"""
                    + """{"name":"echo","arguments":{"message":"mail bob@example.com"}}}""");
            Assert.Contains(
                "results.block", (await guard.ResponseAsync("\"b1\"")).GetRawText(), StringComparison.Ordinal);
            await guard.SendAsync(
                """{"jsonrpc":"2.0","id":"p1","method":"prompts/get","params":{"name":"simple-prompt"}}""");
            await guard.ResponseAsync("\"p1\"");
            guard.CloseStdin();

            Assert.Equal(0, await guard.WaitForExitAsync());
        }

        var server = Assert.Single(
            receiver.Spans, s => s.Kind == 2 && s.Attributes.GetValueOrDefault("jsonrpc.request.id") == "b1");
        Assert.Equal("tool_error", server.Attributes["error.type"]);
        Assert.Equal("1", server.Attributes["mcpguard.redactions"]);
        var client = Assert.Single(receiver.Spans, s => s.Kind == 3 && s.ParentSpanId == server.SpanId);
        Assert.False(client.Attributes.ContainsKey("error.type"));
        var prompt = Assert.Single(receiver.Spans, s => s.Kind == 2 && s.Name == "prompts/get simple-prompt");
        Assert.Equal("simple-prompt", prompt.Attributes["gen_ai.prompt.name"]);
        Assert.False(prompt.Attributes.ContainsKey("gen_ai.tool.name"));
    }

    [Fact]
    public async Task ArgumentsFull_ToolArgumentsOnTheSpan()
    {
        await using var receiver = new OtlpReceiver();
        await RunSessionAsync(Policy($"telemetry: {{ otlp: {receiver.Endpoint}, arguments: full }}"));

        var echo = Assert.Single(
            receiver.Spans,
            s => s.Name == "tools/call echo" && s.Kind == 2 && s.Attributes["jsonrpc.request.id"] == "c1");
        Assert.Contains(Secret, echo.Attributes["gen_ai.tool.call.arguments"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TelemetryOff_NothingSent()
    {
        await using var receiver = new OtlpReceiver();
        await RunSessionAsync(Policy(""));

        Assert.Empty(receiver.Paths);
    }

    /// <summary>
    /// Initialize, list, then an allowed, a denied, a hidden, an approved and a rate-limited call; then client EOF (the
    /// export flushes).
    /// </summary>
    private static async Task RunSessionAsync(string policy)
    {
        await using var guard = RawGuard.Start(policy, GuardedServer.Everything());
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":0,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        await guard.ResponseAsync("0");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await guard.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        await guard.ResponseAsync("1");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":"c0","method":"tools/call","params":"""
                + """{"name":"echo","arguments":{"message":"mail bob@example.com"}}}""");
        Assert.Contains(
            "[redacted: emails]", (await guard.ResponseAsync("\"c0\"")).GetRawText(), StringComparison.Ordinal);
        var meta = $"\"_meta\":{{\"traceparent\":\"00-{TraceId}-{ParentSpanId}-01\"}}";
        await guard.SendAsync(
            $$"""{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":"""
                + $$"""{"name":"echo","arguments":{"message":"{{Secret}}"},{{meta}}""" + "}}");
        await guard.ResponseAsync("\"c1\"");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":"c2","method":"tools/call","params":"""
                + """{"name":"get-sum","arguments":{"a":1,"b":2}}}""");
        await guard.ResponseAsync("\"c2\"");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":"c3","method":"tools/call","params":"""
                + """{"name":"get-env","arguments":{}}}""");
        await guard.ResponseAsync("\"c3\"");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":"c4","method":"tools/call","params":"""
                + """{"name":"get-tiny-image","arguments":{}}}""");
        await guard.ResponseAsync("\"c4\"");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":"c5","method":"tools/call","params":"""
                + """{"name":"echo","arguments":{"message":"x"}}}""");
        Assert.Contains("retry after", (await guard.ResponseAsync("\"c5\"")).GetRawText(), StringComparison.Ordinal);
        guard.CloseStdin();
        Assert.Equal(0, await guard.WaitForExitAsync());
    }
}
