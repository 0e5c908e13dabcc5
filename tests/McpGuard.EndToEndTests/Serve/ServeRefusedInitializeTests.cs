using System.Net;
using System.Text;
using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// A 2025 <c>initialize</c> that the server refuses opens no session (docs/serve.md, "Both protocol eras on one
/// endpoint"): the client gets the error without an <c>Mcp-Session-Id</c>, and nothing holds one of
/// <c>sessions.max</c>, so clients retrying while the upstream is down are not locked out with 503 once it is back.
/// </summary>
public sealed class ServeRefusedInitializeTests
{
    private const string Policy = "version: 1\ndefault: allow\nstate: { store: memory }\n"
        + "serve: { sessions: { max: 1, idle: 30m } }\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("HTTP 503")]
    [InlineData("a JSON-RPC error")]
    public async Task RefusedInitialize_NoSessionIdAndNoSlotHeld(string refusal)
    {
        await using var upstream = new ScriptedUpstream(request => refusal == "HTTP 503"
            ? ScriptedUpstream.Response("503 Service Unavailable", "text/plain", "down")
            : ScriptedUpstream.Response("200 OK", "application/json",
                $$$"""{"jsonrpc":"2.0","id":{{{request.Id}}},"error":{"code":-32602,"message":"Unsupported"}}"""));
        await using var guard = await ServedGuard.StartAsync(
            Policy, [], ["--url", upstream.Url, "--log-level", "Information"]);
        using var http = new HttpClient();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var response = await http.SendAsync(Initialize(guard.Url), Ct);
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("Mcp-Session-Id"), $"attempt {attempt} was given a session id");
            Assert.True(answer.RootElement.TryGetProperty("error", out _), $"attempt {attempt}: {answer.RootElement}");
        }

        // The operator's log does not blame a DELETE, idleness or a revocation that never happened (it did, and said
        // an upstream session that was never opened was being ended).
        await guard.TerminateAsync();
        var ended = guard.Stderr.Where(line => line.Contains("A session ended", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, ended.Count);
        Assert.All(ended, line => Assert.Contains(
            "or an initialize that opened none): its upstream session, if one was opened, is being ended.", line,
            StringComparison.Ordinal));

        // The upstream is named once, as serve starts, not once for each session (it was three lines here).
        Assert.Single(guard.Stderr, line => line.Contains("Guarding the remote server", StringComparison.Ordinal));
    }

    private static HttpRequestMessage Initialize(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","""
                    + """ "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        return request;
    }
}
