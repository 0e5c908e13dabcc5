using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>The operator's log names why a 2025 session's child was stopped, in HTTP's words, not stdio's.</summary>
public sealed class ServeSessionEndLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delete_LogsThatTheHttpSessionEnded_NotThatStdinClosed()
    {
        await using var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\n", ["node", RepoPaths.V2Server], ["--log-level", "Information"]);
        using var http = new HttpClient();
        using var initialize = new HttpRequestMessage(HttpMethod.Post, guard.Url)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                    + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""",
                Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json")),
        };
        initialize.Headers.Accept.ParseAdd("application/json, text/event-stream");
        using var opened = await http.SendAsync(initialize, Ct);
        var session = opened.Headers.GetValues("Mcp-Session-Id").Single();
        using var delete = new HttpRequestMessage(HttpMethod.Delete, guard.Url);
        delete.Headers.Add("Mcp-Session-Id", session);

        // DELETE answers once the session's relay has ended, so its log line is written by then.
        using var deleted = await http.SendAsync(delete, Ct);
        await guard.TerminateAsync();

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Contains(guard.Stderr, line => line.Contains(
            "Shutting down: the client's HTTP session ended.", StringComparison.Ordinal));
        Assert.DoesNotContain(guard.Stderr, line => line.Contains("closed stdin", StringComparison.Ordinal));
    }
}
