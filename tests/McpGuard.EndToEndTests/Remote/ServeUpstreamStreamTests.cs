using System.Net;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>serve --url</c> in front of an upstream that answers a 2026-07-28 <c>tools/call</c> with an event stream whose
/// logging comes before the result: the client gets the logging on its request's own stream, then the result with its
/// own id (docs/serve.md), as <c>run --url</c> and a 2025 session give it. Before, the shared 2026-07-28 session
/// routed only answers, progress and subscriptions, and the logging went to no client.
/// </summary>
public sealed class ServeUpstreamStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ModernCall_LoggingOnTheUpstreamStream_ReachesThatRequestBeforeTheResult()
    {
        await using var upstream = new ScriptedUpstream(Answer);
        await using var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\nstate: { store: memory }\n", [], ["--url", upstream.Url]);
        using var http = new HttpClient();
        var call = "{\"jsonrpc\":\"2.0\",\"id\":\"mine-7\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
            + "\"arguments\":{}," + ModernRequest.Meta + "}}";
        using var request = ModernRequest.Post(guard.Url, call, "tools/call", "echo");

        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var logging = body.IndexOf("\"notifications/message\"", StringComparison.Ordinal);
        var result = body.IndexOf("\"id\":\"mine-7\"", StringComparison.Ordinal);
        Assert.True(logging >= 0, body);
        Assert.True(result > logging, body);
        Assert.Contains("working on it", body, StringComparison.Ordinal);
        Assert.DoesNotContain("mcpguard-", body, StringComparison.Ordinal);
    }

    private static string? Answer(UpstreamRequest request)
    {
        if (request.Method != "POST" || !request.Body.Contains("\"id\"", StringComparison.Ordinal))
        {
            return ScriptedUpstream.Response("202 Accepted", null, "");
        }

        return request.RpcMethod switch
        {
            "tools/call" => ScriptedUpstream.Response(
                "200 OK",
                "text/event-stream",
                "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                    + "\"params\":{\"level\":\"info\",\"data\":\"working on it\"}}\n\n"
                    + "data: " + ScriptedUpstream.Result(request, """{"content":[{"type":"text","text":"done"}]}""")
                    + "\n\n"),
            "tools/list" => ScriptedUpstream.Response(
                "200 OK", "application/json",
                ScriptedUpstream.Result(request, """{"tools":[{"name":"echo","inputSchema":{"type":"object"}}]}""")),
            _ => ScriptedUpstream.Response("200 OK", "application/json", ScriptedUpstream.Result(request, "{}")),
        };
    }
}
