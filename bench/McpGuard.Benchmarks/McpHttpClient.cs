using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace McpGuard.Benchmarks;

/// <summary>
/// A bare Streamable HTTP client for the HTTP rows: a 2025 session (initialize, its <c>Mcp-Session-Id</c> if one is
/// minted, notifications/initialized, then calls) or stateless 2026-07-28 POSTs with the envelope and the headers
/// derived from the body. Answers are read whole (JSON, or an SSE stream that ends after the answer) and only checked
/// for a result, so the figures measure the gateways and not a client library.
/// </summary>
internal sealed class McpHttpClient(HttpClient http, Uri endpoint, string token)
{
    public const string Call =
        """{"name":"place_order","arguments":{"symbol":"BTCUSDT","category":"spot","qty":"0.005"}}""";

    private const string Meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"bench\",\"version\":\"1\"},"
        + "\"io.modelcontextprotocol/clientCapabilities\":{}}";

    private long _nextId;
    private string? _session;

    /// <summary>A client whose connections are never the bottleneck: as many as there are clients.</summary>
    public static HttpClient CreateHttp() => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
    });

    public async Task OpenSessionAsync()
    {
        var init = """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}""";
        using var response = await PostAsync(Request("initialize", init), null);
        _session = response.Headers.TryGetValues("Mcp-Session-Id", out var ids) ? ids.Single() : null;
        using var initialized = await PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", null);
    }

    /// <summary>Ends the 2025 session (DELETE), so it does not count against the gateway's session limit.</summary>
    public async Task CloseSessionAsync()
    {
        if (_session is null)
        {
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Delete, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Mcp-Session-Id", _session);
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        using var response = await http.SendAsync(request);
        _session = null;
    }

    /// <summary>One tools/call in the 2025 session.</summary>
    public async Task CallAsync()
    {
        using var response = await PostAsync(Request("tools/call", Call), null);
        await CheckAsync(response);
    }

    /// <summary>One stateless 2026-07-28 tools/call.</summary>
    public async Task CallModernAsync()
    {
        var body = Request("tools/call", Call[..^1] + "," + Meta + "}");
        using var response = await PostAsync(body, ("tools/call", "place_order"));
        await CheckAsync(response);
    }

    private string Request(string method, string parameters) =>
        $$"""{"jsonrpc":"2.0","id":{{Interlocked.Increment(ref _nextId)}},"method":"{{method}}","""
        + "\"params\":" + parameters + "}";

    private async Task<HttpResponseMessage> PostAsync(string body, (string Method, string Name)? modern)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (modern is { } headers)
        {
            request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
            request.Headers.Add("Mcp-Method", headers.Method);
            request.Headers.Add("Mcp-Name", headers.Name);
        }
        else if (_session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", _session);
            request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        }

        var response = await http.SendAsync(request);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Accepted))
        {
            var text = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"{endpoint} answered HTTP {(int)response.StatusCode}: {text}");
        }

        return response;
    }

    private static async Task CheckAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!text.Contains("\"result\"", StringComparison.Ordinal)
            || text.Contains("\"isError\":true", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Not a result: {text}");
        }
    }
}
