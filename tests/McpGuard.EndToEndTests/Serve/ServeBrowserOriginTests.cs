using System.Net;
using System.Text;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// A browser page from an origin in <c>serve.allowed_origins</c> can use the endpoint (docs/serve.md#browsers):
/// its CORS preflight is answered, and the answers name the origin and expose <c>Mcp-Session-Id</c>; another
/// origin still gets 403 and no CORS header.
/// </summary>
public sealed class ServeBrowserOriginTests
{
    private const string Policy = "version: 1\ndefault: allow\nstate: { store: memory }\n"
        + "serve: { allowed_origins: [\"https://app.example.com\"] }\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AllowedOrigin_PreflightAnswered_AnswerReadableWithSessionId()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, ["node", RepoPaths.V2Server]);
        using var http = new HttpClient();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, guard.Url);
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type, mcp-protocol-version");
        using var allowed = await http.SendAsync(preflight, Ct);

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(["https://app.example.com"], allowed.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Contains(
            "mcp-protocol-version", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(),
            StringComparison.OrdinalIgnoreCase);

        using var initialize = Initialize(guard.Url, "https://app.example.com");
        using var answer = await http.SendAsync(initialize, Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["https://app.example.com"], answer.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains(
            "Mcp-Session-Id", answer.Headers.GetValues("Access-Control-Expose-Headers").Single(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherOrigin_Forbidden_NoCorsHeaders()
    {
        await using var guard = await ServedGuard.StartAsync(Policy, ["node", RepoPaths.V2Server]);
        using var http = new HttpClient();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, guard.Url);
        preflight.Headers.Add("Origin", "https://evil.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var refused = await http.SendAsync(preflight, Ct);
        using var post = await http.SendAsync(Initialize(guard.Url, "https://evil.example.com"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(post.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Initialize(Uri url, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","""
                    + """ "capabilities":{},"clientInfo":{"name":"browser","version":"1"}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("Origin", origin);
        return request;
    }
}
