using System.Net;
using System.Net.Sockets;
using System.Text;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// An MCP header sent on two field lines (docs/serve.md#what-is-checked-in-order) is refused with 400 and a JSON-RPC
/// error that says it appears more than once: never read as missing (which opened a new session for an
/// <c>initialize</c>), nor as one of its values. Raw sockets: HttpClient would join the values on one line.
/// </summary>
public sealed class ServeRepeatedHeaderTests
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";

    private const string List = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";

    private const string ModernList = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
        + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"},"
        + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RepeatedMcpHeaders_Are400SayingSo_AndTheSessionLivesOn()
    {
        var record = Path.GetTempFileName();
        await using var guard = await StartAsync(record);
        var session = await OpenSessionAsync(guard);
        var twice = $"Mcp-Session-Id: {session}\r\nMcp-Session-Id: {session}\r\n";

        var post = await ExchangeAsync(guard, "POST", List, twice);
        var initialize = await ExchangeAsync(guard, "POST", Initialize, twice);
        var get = await ExchangeAsync(guard, "GET", null, twice);
        var delete = await ExchangeAsync(guard, "DELETE", null, twice);
        var revision = await ExchangeAsync(
            guard, "POST", List,
            $"Mcp-Session-Id: {session}\r\nMCP-Protocol-Version: 2025-06-18\r\nMCP-Protocol-Version: 2025-06-18\r\n");
        var modern = await ExchangeAsync(
            guard, "POST", ModernList,
            "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/list\r\nMcp-Method: tools/list\r\n");
        var stillOpen = await ExchangeAsync(guard, "POST", List, $"Mcp-Session-Id: {session}\r\n");

        foreach (var answer in new[] { post, initialize, get, delete })
        {
            Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
            Assert.Contains(
                """{"code":-32000,"message":"Bad request: the Mcp-Session-Id header appears more than once."}""",
                answer, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Mcp-Session-Id: ", initialize, StringComparison.Ordinal);
        Assert.Contains("\"id\":2,", post, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400", revision, StringComparison.Ordinal);
        Assert.Contains("the MCP-Protocol-Version header appears more than once.", revision, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400", modern, StringComparison.Ordinal);
        Assert.Contains(
            """{"code":-32020,"message":"Bad request: the Mcp-Method header appears more than once."}""",
            modern, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", stillOpen, StringComparison.Ordinal);
        Assert.Contains("\"tools\":", stillOpen, StringComparison.Ordinal);
        File.Delete(record);
    }

    [Fact]
    public async Task McpHeaderListedOnOneLine_Is400SayingSo_NotAnUnknownSession()
    {
        var record = Path.GetTempFileName();
        await using var guard = await StartAsync(record);
        var session = await OpenSessionAsync(guard);
        var listed = $"Mcp-Session-Id: {session}, {session}\r\n";

        var answers = new[]
        {
            await ExchangeAsync(guard, "POST", List, listed),
            await ExchangeAsync(guard, "GET", null, listed),
            await ExchangeAsync(guard, "DELETE", null, listed),
        };
        var revision = await ExchangeAsync(
            guard, "POST", List, $"Mcp-Session-Id: {session}\r\nMCP-Protocol-Version: 2025-06-18, 2025-06-18\r\n");
        var modern = await ExchangeAsync(
            guard, "POST", ModernList, "MCP-Protocol-Version: 2026-07-28, 2026-07-28\r\nMcp-Method: tools/list\r\n");
        var stillOpen = await ExchangeAsync(guard, "POST", List, $"Mcp-Session-Id: {session}\r\n");

        Assert.All(answers, answer =>
        {
            Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
            Assert.Contains("the Mcp-Session-Id header appears more than once.", answer, StringComparison.Ordinal);
        });
        Assert.StartsWith("HTTP/1.1 400", revision, StringComparison.Ordinal);
        Assert.Contains("the MCP-Protocol-Version header appears more than once.", revision, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400", modern, StringComparison.Ordinal);
        Assert.Contains(
            "{\"code\":-32020,\"message\":\"Bad request: the MCP-Protocol-Version header appears more than once.\"}",
            modern, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", stillOpen, StringComparison.Ordinal);
        File.Delete(record);
    }

    [Fact]
    public async Task SecondInitializeOnASession_Is400AlreadyInitialized_NeverForwarded()
    {
        var record = Path.GetTempFileName();
        await using var guard = await StartAsync(record);
        var session = await OpenSessionAsync(guard);

        var again = await ExchangeAsync(
            guard, "POST", Initialize.Replace("\"id\":1", "\"id\":\"again\"", StringComparison.Ordinal),
            $"Mcp-Session-Id: {session}\r\n");
        // The session's messages reach its child in order: once this is answered, the one before it was handled.
        var stillOpen = await ExchangeAsync(guard, "POST", List, $"Mcp-Session-Id: {session}\r\n");

        Assert.StartsWith("HTTP/1.1 400", again, StringComparison.Ordinal);
        Assert.Contains(
            "{\"jsonrpc\":\"2.0\",\"id\":\"again\",\"error\":{\"code\":-32600,", again, StringComparison.Ordinal);
        Assert.Contains("already initialized", again, StringComparison.Ordinal);
        Assert.DoesNotContain("Mcp-Session-Id: ", again, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", stillOpen, StringComparison.Ordinal);
        var received = await File.ReadAllLinesAsync(record, Ct);
        Assert.Single(received, line => line.Contains("\"initialize\"", StringComparison.Ordinal));
        File.Delete(record);
    }

    /// <summary>
    /// A guard serving the raw server, which writes each message it receives to <paramref name="record"/>.
    /// </summary>
    private static Task<ServedGuard> StartAsync(string record) =>
        ServedGuard.StartAsync("version: 1\ndefault: allow\n", ["dotnet", RepoPaths.RawServerDll, record, "{}"]);

    /// <summary>Opens a 2025 session with an <c>initialize</c>; its id.</summary>
    private static async Task<string> OpenSessionAsync(ServedGuard guard)
    {
        var opened = await ExchangeAsync(guard, "POST", Initialize);
        return opened.Split("\r\n").Single(line => line.StartsWith("Mcp-Session-Id: ", StringComparison.Ordinal))
            ["Mcp-Session-Id: ".Length..];
    }

    /// <summary>One request on its own connection, as written; the whole answer (status, headers, body).</summary>
    private static async Task<string> ExchangeAsync(
        ServedGuard guard, string method, string? body, string headers = "")
    {
        var bytes = Encoding.UTF8.GetBytes(body ?? "");
        var request = $"{method} {guard.Url.AbsolutePath} HTTP/1.1\r\nHost: 127.0.0.1:{guard.Url.Port}\r\n"
            + "Accept: application/json, text/event-stream\r\nConnection: close\r\n" + headers
            + (body is null ? "" : $"Content-Type: application/json\r\nContent-Length: {bytes.Length}\r\n") + "\r\n";
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, guard.Url.Port, Ct);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Ct);
        await stream.WriteAsync(bytes, Ct);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(Ct);
    }
}
