using System.Net;
using System.Text;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// 2026-07-28 POSTs are stateless whatever they carry (docs/serve.md). A notification without a session (the
/// TypeScript SDK v2 client sends <c>notifications/cancelled</c> when it closes a <c>subscriptions/listen</c>): 202
/// Accepted with no body, as the transport asks and as the SDK's own server answers, not 400 for a missing session.
/// The SDK's client sends no <c>Mcp-Method</c> with it; a header that is sent must equal the body. An
/// <c>Mcp-Session-Id</c> on a 2026-07-28 request is ignored, as the transport says (and the SDK's server does), not
/// answered 404. An <c>initialize</c> of the 2026-07-28 era opens no 2025 session.
/// </summary>
public sealed class ServeModernStatelessTests
{
    private const string Modern = ModernRequest.Meta;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Notification_Accepted202_HeadersStillMustEqualTheBody()
    {
        await using var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\n", ["node", RepoPaths.V2Server]);
        using var http = new HttpClient();
        var cancelled = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
            + "\"params\":{\"requestId\":\"listen:0\"," + Modern + "}}";

        using var accepted = await PostAsync(http, guard, cancelled, "notifications/cancelled");
        using var asTheSdkSendsIt = await PostAsync(http, guard, cancelled, method: null);
        using var lying = await PostAsync(http, guard, cancelled, "notifications/progress");
        using var call = await PostAsync(
            http, guard, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" + Modern + "}}",
            "tools/list");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Empty(await accepted.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(HttpStatusCode.Accepted, asTheSdkSendsIt.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, lying.StatusCode);
        Assert.Contains("-32020", await lying.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Contains("echo", await call.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModernRequest_WithASessionId_ServedStateless()
    {
        await using var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\n", ["node", RepoPaths.V2Server]);
        using var http = new HttpClient();
        var call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}," + Modern + "}}";

        using var answer = await PostAsync(http, guard, call, "tools/call", name: "echo", session: "from-elsewhere");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("echo: hi", await answer.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False(answer.Headers.Contains("Mcp-Session-Id"));
    }

    /// <summary>
    /// 2026-07-28 has no <c>initialize</c>: one carrying the envelope is a 2026-07-28 request, answered Method not
    /// found (404) without a session and never forwarded, as the TypeScript SDK's server classifies it; a plain
    /// <c>initialize</c> under a 2026-07-28 <c>MCP-Protocol-Version</c> header is a header mismatch (400, -32020).
    /// Both opened a 2025 session before (the 2025-only test server answered them).
    /// </summary>
    [Fact]
    public async Task ModernInitialize_IsMethodNotFound_AndOpensNoSession()
    {
        var record = Path.GetTempFileName();
        await using var guard = await ServedGuard.StartAsync(
            "version: 1\ndefault: allow\n", ["dotnet", RepoPaths.RawServerDll, record, "{}"]);
        using var http = new HttpClient();
        const string Handshake = "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}";

        using var enveloped = await PostAsync(
            http, guard,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{" + Handshake + "," + Modern + "}}",
            "initialize");
        using var underModernHeader = await PostAsync(
            http, guard, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":{" + Handshake + "}}",
            method: null);

        Assert.Equal(HttpStatusCode.NotFound, enveloped.StatusCode);
        Assert.Contains(
            "\"id\":1,\"error\":{\"code\":-32601,", await enveloped.Content.ReadAsStringAsync(Ct),
            StringComparison.Ordinal);
        Assert.False(enveloped.Headers.Contains("Mcp-Session-Id"));
        Assert.Equal(HttpStatusCode.BadRequest, underModernHeader.StatusCode);
        Assert.Contains(
            "\"id\":2,\"error\":{\"code\":-32020,", await underModernHeader.Content.ReadAsStringAsync(Ct),
            StringComparison.Ordinal);
        Assert.False(underModernHeader.Headers.Contains("Mcp-Session-Id"));
        Assert.DoesNotContain("initialize", await File.ReadAllTextAsync(record, Ct), StringComparison.Ordinal);
        File.Delete(record);
    }

    private static async Task<HttpResponseMessage> PostAsync(
        HttpClient http, ServedGuard guard, string body, string? method, string? name = null, string? session = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, guard.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        if (method is not null)
        {
            request.Headers.Add("Mcp-Method", method);
        }

        if (name is not null)
        {
            request.Headers.Add("Mcp-Name", name);
        }

        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        var response = await http.SendAsync(request, Ct);
        await response.Content.LoadIntoBufferAsync(Ct);
        return response;
    }
}
