using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>run --url</c> against an upstream that answers oddly or badly (ScriptedUpstream writes the bytes): every 2xx
/// and media-type spelling is read alike, event streams are parsed as the HTML standard says, and nothing that is
/// not a judged JSON-RPC message reaches the client; a failed request gets an error naming the upstream, its counts
/// are given back, and the guard goes on serving.
/// </summary>
public sealed class HostileUpstreamTests
{
    private const string Policy = """
        version: 1
        default: allow
        hide: [secret_tool]
        tools:
          limited:
            action: allow
            rate_limit: { max: 1, window: 1h }
        state:
          store: memory
        """;

    // Long, as every wait of these tests: a scripted answer comes from this test process, which a loaded machine can
    // hold up for seconds. Only the test of a hung upstream waits out a short one (2 s).
    private const string UpstreamTimeout = "60s";

    // One line: it goes into a single SSE data line.
    private static readonly string s_toolsJson = """
        [{"name":"echo","inputSchema":{"type":"object"}},{"name":"secret_tool","inputSchema":{"type":"object"}},
        {"name":"limited","inputSchema":{"type":"object"}},{"name":"garbage","inputSchema":{"type":"object"}},
        {"name":"html","inputSchema":{"type":"object"}},{"name":"outage","inputSchema":{"type":"object"}},
        {"name":"hang","inputSchema":{"type":"object"}},{"name":"bad_event","inputSchema":{"type":"object"}},
        {"name":"no_answer","inputSchema":{"type":"object"}},{"name":"leaky_list","inputSchema":{"type":"object"}}]
        """.ReplaceLineEndings("");

    private int _limitedCalls;

    [Fact]
    public async Task ToolsList_EventStreamWithCrLineEndsCommentsAndMultiLineData_HiddenToolFiltered()
    {
        await using var upstream = new ScriptedUpstream(Answer);
        await using var guard = await StartAsync(upstream.Url);

        await guard.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        var list = await guard.ResponseAsync("2");

        var names = list.GetProperty("result").GetProperty("tools").EnumerateArray()
            .Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("echo", names);
        Assert.DoesNotContain("secret_tool", names);
    }

    [Fact]
    public async Task ToolsCall_201WithMediaTypeInOddCase_ForwardedLikeA200()
    {
        await using var upstream = new ScriptedUpstream(Answer);
        await using var guard = await StartAsync(upstream.Url);

        await guard.SendAsync(Call(3, "echo"));

        Assert.Equal(
            "echoed",
            (await guard.ResponseAsync("3")).GetProperty("result").GetProperty("content")[0].GetProperty("text")
                .GetString());
    }

    [Theory]
    [InlineData("garbage", "its answer was not a JSON-RPC message")]
    [InlineData("html", "neither JSON nor an event stream")]
    [InlineData("outage", "HTTP 503")]
    [InlineData("hang", "no answer within 2 s")]
    [InlineData("bad_event", "its answer was not a JSON-RPC message")]
    [InlineData("no_answer", "without a response to this request")]
    public async Task ToolsCall_UnusableAnswer_ErrorNamingTheUpstreamAndTheGuardGoesOn(string tool, string reason)
    {
        await using var upstream = new ScriptedUpstream(Answer);
        await using var guard = await StartAsync(upstream.Url, tool == "hang" ? "2s" : UpstreamTimeout);

        await guard.SendAsync(Call(4, tool));
        var error = (await guard.ResponseAsync("4")).GetProperty("error");

        Assert.Equal(-32603, error.GetProperty("code").GetInt32());
        Assert.Contains(upstream.Url, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(reason, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await guard.SendAsync("""{"jsonrpc":"2.0","id":5,"method":"ping"}""");
        Assert.True((await guard.ResponseAsync("5")).TryGetProperty("result", out _));
        guard.CloseStdin();
        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.DoesNotContain(
            guard.UnreadLines(),
            line => line.Contains("hello", StringComparison.Ordinal)
                || line.Contains("<html", StringComparison.Ordinal));
    }

    /// <summary>
    /// A tools/list answer the guard cannot read (its JSON is cut short) is never forwarded: it could show a hidden
    /// tool.
    /// </summary>
    [Fact]
    public async Task ToolsList_Unreadable_ErrorAndNoToolShown()
    {
        await using var upstream = new ScriptedUpstream(request => request.RpcMethod == "tools/list"
            ? ScriptedUpstream.Response(
                "200 OK", "text/event-stream",
                "data: {\"jsonrpc\":\"2.0\",\"id\":" + request.Id
                    + ",\"result\":{\"tools\":[{\"name\":\"secret_tool\"}]}\n\n")
            : Answer(request));
        await using var guard = await StartAsync(upstream.Url);

        await guard.SendAsync("""{"jsonrpc":"2.0","id":6,"method":"tools/list"}""");
        var answer = await guard.ResponseAsync("6");

        Assert.Contains(
            "its answer was not a JSON-RPC message", answer.GetProperty("error").GetProperty("message").GetString(),
            StringComparison.Ordinal);
        Assert.DoesNotContain("secret_tool", answer.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>The outage's call gave its count back: the one call the limit allows is still there.</summary>
    [Fact]
    public async Task ToolsCall_5xx_CountGivenBack()
    {
        await using var upstream = new ScriptedUpstream(Answer);
        await using var guard = await StartAsync(upstream.Url);

        await guard.SendAsync(Call(7, "limited"));
        Assert.Contains(
            "HTTP 503", (await guard.ResponseAsync("7")).GetProperty("error").GetProperty("message").GetString(),
            StringComparison.Ordinal);
        await guard.SendAsync(Call(8, "limited"));

        Assert.Equal(
            "limited ran",
            (await guard.ResponseAsync("8")).GetProperty("result").GetProperty("content")[0].GetProperty("text")
                .GetString());
    }

    [Fact]
    public async Task Upstream_ConnectionRefused_ErrorNamingItAndTheGuardGoesOn()
    {
        string url;
        await using (var closed = new ScriptedUpstream(_ => null))
        {
            url = closed.Url;
        }

        await using var guard = RawGuard.Start(
            Policy, [], ["--url", url, "--upstream-timeout", UpstreamTimeout], Home());
        await guard.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        var message = (await guard.ResponseAsync("1")).GetProperty("error").GetProperty("message").GetString();

        Assert.Contains(url, message, StringComparison.Ordinal);
        Assert.Contains("refused", message, StringComparison.Ordinal);
        await guard.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
        Assert.True((await guard.ResponseAsync("2")).TryGetProperty("error", out _));
    }

    /// <summary>
    /// A 2025-only upstream that answers a 2026-07-28 POST with 404, 405 or 406 and no JSON-RPC error (its router,
    /// not MCP, refused it): the client gets -32022 naming the upstream and the status, as for the 400 of the
    /// TypeScript SDK v1, and falls back to initialize on the same guard. Before, -32603 "no answer", and no fallback.
    /// </summary>
    [Theory]
    [InlineData("404 Not Found")]
    [InlineData("405 Method Not Allowed")]
    [InlineData("406 Not Acceptable")]
    public async Task ModernRequest_RefusedByA2025Upstream_UnsupportedVersionThenInitializeWorks(string status)
    {
        await using var upstream = new ScriptedUpstream(request =>
            request.Body.Contains("2026-07-28", StringComparison.Ordinal)
                ? ScriptedUpstream.Response(status, "text/plain", "no route")
                : Answer(request));
        await using var guard = RawGuard.Start(
            Policy, [], ["--url", upstream.Url, "--upstream-timeout", UpstreamTimeout], Home());

        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{""" + ModernRequest.Meta + "}}");
        var refused = (await guard.ResponseAsync("1")).GetProperty("error");
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":2,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        var initialized = await guard.ResponseAsync("2");

        Assert.Equal(-32022, refused.GetProperty("code").GetInt32());
        Assert.Contains(upstream.Url, refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(
            "HTTP " + status[..3], refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("2026-07-28", refused.GetProperty("data").GetProperty("requested").GetString());
        Assert.Equal(
            "2025-11-25", initialized.GetProperty("result").GetProperty("protocolVersion").GetString());
        guard.CloseStdin();
        Assert.Equal(0, await guard.WaitForExitAsync());
    }

    private static Dictionary<string, string> Home() =>
        new() { ["MCPGUARD_HOME"] = Directory.CreateTempSubdirectory("mcpguard-remote-home-").FullName };

    private static string Call(int id, string tool) =>
        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
            + "\",\"arguments\":{}}}";

    private static async Task<RawGuard> StartAsync(string url, string upstreamTimeout = UpstreamTimeout)
    {
        var guard = RawGuard.Start(Policy, [], ["--url", url, "--upstream-timeout", upstreamTimeout], Home());
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        await guard.ResponseAsync("1");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        return guard;
    }

    private string? Answer(UpstreamRequest request)
    {
        if (request.Method == "GET")
        {
            return ScriptedUpstream.Response("405 Method Not Allowed", null, "");
        }

        if (request.Method != "POST" || !request.Body.Contains("\"id\"", StringComparison.Ordinal))
        {
            return ScriptedUpstream.Response("202 Accepted", null, "");
        }

        const string json = "application/json";
        return request.RpcMethod switch
        {
            "initialize" => ScriptedUpstream.Response(
                "200 OK", json,
                ScriptedUpstream.Result(
                    request,
                    """{"protocolVersion":"2025-11-25","capabilities":{"tools":{}}"""
                        + ""","serverInfo":{"name":"hostile","version":"1"}}"""),
                "Mcp-Session-Id: s-1\r\n"),
            "ping" => ScriptedUpstream.Response("200 OK", json, ScriptedUpstream.Result(request, "{}")),
            // A BOM, CR-only line ends, comments, an id, a retry, and the message spread over three data lines.
            "tools/list" => ScriptedUpstream.Response(
                "200 OK",
                "text/event-stream",
                "\uFEFF: hello\rid: 17\rretry: 1000\revent: message\rdata: {\"jsonrpc\":\"2.0\",\rdata: \"id\":"
                    + request.Id
                    + ",\r: between\rdata: \"result\":{\"tools\":" + s_toolsJson.Trim() + "}}\r\r"),
            "tools/call" => Call(request),
            _ => ScriptedUpstream.Response("200 OK", json, ScriptedUpstream.Result(request, "{}")),
        };
    }

    private string? Call(UpstreamRequest request)
    {
        var text = (string s) => ScriptedUpstream.Result(request, $$"""{"content":[{"type":"text","text":"{{s}}"}]}""");
        return request.ToolName switch
        {
            "echo" => ScriptedUpstream.Response("201 Created", "Application/JSON; Charset=UTF-8", text("echoed")),
            "garbage" => ScriptedUpstream.Response("200 OK", "application/json", """{"hello":"world"}"""),
            "html" => ScriptedUpstream.Response("200 OK", "text/html", "<html>hello</html>"),
            "outage" => ScriptedUpstream.Response("503 Service Unavailable", "text/plain", "hello, down"),
            "hang" => null,
            "bad_event" => ScriptedUpstream.Response("200 OK", "TEXT/Event-Stream", "data: hello\n\n"),
            "no_answer" => ScriptedUpstream.Response("200 OK", "text/event-stream", ": nothing for you\n\n"),
            "limited" => Interlocked.Increment(ref _limitedCalls) == 1
                ? ScriptedUpstream.Response("503 Service Unavailable", null, "")
                : ScriptedUpstream.Response("200 OK", "application/json", text("limited ran")),
            _ => ScriptedUpstream.Response("404 Not Found", null, ""),
        };
    }
}
