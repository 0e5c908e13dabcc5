using System.Net;
using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// docs/serve.md#shutdown: a call still waiting for its server when <c>--drain</c> runs out gets a JSON-RPC error
/// saying the guard is shutting down (and the audit an outcome), in both eras, never a cut connection.
/// </summary>
public sealed class ServeDrainTests
{
    private const string Policy = "version: 1\ndefault: allow\n";

    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
        + """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";

    private const string Meta = """
        "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{
        "name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallsInFlightWhenTheDrainEnds_AnsweredWithAnError_AndAudited()
    {
        var home = DeskProcess.NewHome();
        var audit = Path.Combine(home, "audit.jsonl");
        await using var guard = await ServedGuard.StartAsync(
            Policy, ["node", RepoPaths.V2Server], ["--drain", "1", "--audit", audit], home);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var initialize = await PostAsync(http, guard, Initialize);
        var session = initialize.Headers.GetValues("Mcp-Session-Id").Single();
        await PostAsync(http, guard, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", session);
        var legacyCall = PostAsync(
            http, guard,
            """{"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"wait_ms","arguments":"""
            + """{"ms":600000}}}""",
            session);
        var modernCall = PostAsync(
            http, guard,
            """{"jsonrpc":"2.0","id":41,"method":"tools/call","params":{"name":"wait_ms","arguments":{"ms":600001},"""
            + Meta + "}}",
            modern: ("tools/call", "wait_ms"));
        // Both calls are with the server (it says so as each starts) before the guard is told to stop. A later request
        // answered on another connection proved nothing about the modern call, whose POST may not yet have reached
        // the guard: a connection that arrives after SIGTERM is refused (docs/serve.md#shutdown), not drained.
        await guard.WaitForStderrAsync("WAITING wait_ms {\"ms\":600000}");
        await guard.WaitForStderrAsync("WAITING wait_ms {\"ms\":600001}");
        var legacyPing = await PostAsync(http, guard, """{"jsonrpc":"2.0","id":2,"method":"ping"}""", session);
        var modernList = await PostAsync(
            http, guard, """{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{""" + Meta + "}}",
            modern: ("tools/list", null));
        Assert.Equal(HttpStatusCode.OK, legacyPing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, modernList.StatusCode);

        var exit = await guard.TerminateAsync();

        Assert.Equal(143, exit);
        foreach (var (call, id) in new[] { (legacyCall, "\"slow\""), (modernCall, "41") })
        {
            using var answer = await call;
            var text = await answer.Content.ReadAsStringAsync(Ct);
            // JSON, or an event stream whose last event is the answer.
            var json = text.StartsWith('{')
                ? text
                : text.Split('\n').Last(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
            using var document = JsonDocument.Parse(json);
            Assert.Equal(id, document.RootElement.GetProperty("id").GetRawText());
            var error = document.RootElement.GetProperty("error");
            Assert.Equal(-32603, error.GetProperty("code").GetInt32());
            Assert.Contains("shutting down", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var outcomes = (await File.ReadAllLinesAsync(audit, Ct))
            .Where(l => l.Contains("\"type\":\"outcome\"", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, outcomes.Length);
        Assert.All(outcomes, o => Assert.Contains("\"error_code\":-32603", o, StringComparison.Ordinal));
    }

    private static Task<HttpResponseMessage> PostAsync(
        HttpClient http, ServedGuard guard, string body, string? session = null,
        (string Method, string? Name)? modern = null) =>
        ServeHttpBoundsTests.PostAsync(http, guard, body, session: session, modern: modern);
}
