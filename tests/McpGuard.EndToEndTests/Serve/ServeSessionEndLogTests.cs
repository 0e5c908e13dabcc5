using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// A 2025 session's end: DELETE answers at once, the child is ended in the background (and reaped), and the
/// operator's log names why it was stopped, in HTTP's words, not stdio's.
/// </summary>
public sealed class ServeSessionEndLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delete_AnswersWhileTheChildIsStillEnding_AndShutdownReapsIt()
    {
        // The child ignores its stdin's end: ending it takes the shutdown timeout (5 s, then SIGTERM).
        var record = Path.GetTempFileName();
        await using var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\n",
            ["dotnet", RepoPaths.RawServerDll, record, """{"ignoreEof":true}"""],
            ["--log-level", "Information"]);
        using var http = new HttpClient();
        var session = await InitializeAsync(http, guard.Url);
        var child = ChildPid(guard);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, guard.Url);
        delete.Headers.Add("Mcp-Session-Id", session);

        using var deleted = await http.SendAsync(delete, Ct);
        var runningWhenAnswered = IsRunning(child);
        var exitCode = await guard.TerminateAsync();

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.True(runningWhenAnswered, "DELETE waited for the child to exit");
        Assert.Equal(143, exitCode);
        Assert.False(IsRunning(child), "the ended session's child outlived the gateway");
        File.Delete(record);
    }

    [Theory]
    [InlineData("child", "its server is being ended.")]
    [InlineData("url", "its upstream session, if one was opened, is being ended.")]
    public async Task Delete_LogsThatTheSessionEnded_NotThatStdinClosedOrTheGuardShutsDown(string server, string ends)
    {
        // A per-session line: the gateway runs on, so it must not read as the process stopping (serve --url said
        // "Shutting down: the client's input ended." at the end of every 2025 session).
        await using var upstream = server == "url" ? await NodeHttpServer.StartV2Async() : null;
        await using var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\n",
            upstream is null ? ["node", RepoPaths.V2Server] : [],
            upstream is null ? ["--log-level", "Information"] : ["--log-level", "Information", "--url", upstream.Url]);
        using var http = new HttpClient();
        var session = await InitializeAsync(http, guard.Url);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, guard.Url);
        delete.Headers.Add("Mcp-Session-Id", session);

        // The session's child is ended in the background; shutdown waits for it, so its log line is written by then.
        using var deleted = await http.SendAsync(delete, Ct);
        await guard.TerminateAsync();

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Contains(guard.Stderr, line => line.Contains(
            "A session ended (DELETE, sessions.idle, a revoked token or an initialize that opened none): " + ends,
            StringComparison.Ordinal));
        Assert.DoesNotContain(guard.Stderr, line => line.Contains("closed stdin", StringComparison.Ordinal));
        Assert.DoesNotContain(guard.Stderr, line => line.Contains("input ended", StringComparison.Ordinal));

        // Only the SIGTERM at the end shuts anything down.
        Assert.All(
            guard.Stderr.Where(line => line.Contains("Shutting down", StringComparison.Ordinal)),
            line => Assert.Contains("a stop signal", line, StringComparison.Ordinal));
    }

    /// <summary>Answers initialize; a ping gets one progress notification and never its answer.</summary>
    private const string ProgressThenSilent = """
        const rl = require('readline').createInterface({ input: process.stdin });
        const send = m => console.log(JSON.stringify(m));
        rl.on('line', l => {
          const m = JSON.parse(l);
          if (m.method === 'initialize') send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2025-06-18',
            capabilities: {}, serverInfo: { name: 'p', version: '1' } } });
          if (m.method === 'ping') send({ jsonrpc: '2.0', method: 'notifications/progress',
            params: { progressToken: m.params._meta.progressToken, progress: 1 } });
        });
        rl.on('close', () => process.exit(0));
        """;

    [Fact]
    public async Task Delete_ARequestInFlight_HearsThatTheSessionEnded_NotThatTheGuardIsShuttingDown()
    {
        await using var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\n", [.. Scripts.Node(ProgressThenSilent)]);
        using var http = new HttpClient();
        var session = await InitializeAsync(http, guard.Url);
        using var ping = new HttpRequestMessage(HttpMethod.Post, guard.Url)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":2,"method":"ping","params":{"_meta":{"progressToken":"p1"}}}""",
                Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json")),
        };
        ping.Headers.Accept.ParseAdd("application/json, text/event-stream");
        ping.Headers.Add("Mcp-Session-Id", session);
        ping.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        using var pinged = await http.SendAsync(ping, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var events = new StreamReader(await pinged.Content.ReadAsStreamAsync(Ct));
        // The progress event proves the ping is with the server before the session is ended.
        await ReadLineContainingAsync(events, "notifications/progress");
        using var delete = new HttpRequestMessage(HttpMethod.Delete, guard.Url);
        delete.Headers.Add("Mcp-Session-Id", session);

        using var deleted = await http.SendAsync(delete, Ct);
        var answer = await ReadLineContainingAsync(events, "\"id\":2");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Contains("-32603", answer, StringComparison.Ordinal);
        Assert.Contains(
            "The session ended: the MCP server ended (code 0) before it answered.", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("shutting down", answer, StringComparison.Ordinal);
    }

    private static async Task<string> ReadLineContainingAsync(StreamReader events, string text)
    {
        while (await events.ReadLineAsync(Ct) is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"the stream ended without a line containing {text}");
    }

    private static async Task<string> InitializeAsync(HttpClient http, Uri url)
    {
        using var initialize = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                    + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""",
                Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json")),
        };
        initialize.Headers.Accept.ParseAdd("application/json, text/event-stream");
        using var opened = await http.SendAsync(initialize, Ct);
        return opened.Headers.GetValues("Mcp-Session-Id").Single();
    }

    /// <summary>The guard's one child (started before initialize was answered), found by its parent pid.</summary>
    private static int ChildPid(ServedGuard guard) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture))
            .Single(pid => ParentOf(pid) == guard.ProcessId);

    private static int? ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": the command may hold spaces, so read after its closing parenthesis.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(
                stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}")
        && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].StartsWith('Z');
}
