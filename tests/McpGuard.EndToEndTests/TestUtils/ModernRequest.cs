using System.Text;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// A 2026-07-28 request written by hand: the era's <c>_meta</c> member for its params, and the POST that carries it
/// with the headers the transport asks for.
/// </summary>
internal static class ModernRequest
{
    /// <summary>
    /// The <c>"_meta":{…}</c> member (no braces around it), to place beside a request's other params.
    /// </summary>
    public const string Meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"},"
        + "\"io.modelcontextprotocol/clientCapabilities\":{}}";

    /// <summary>
    /// A POST of <paramref name="body"/> as a 2026-07-28 client sends it: JSON or an event stream accepted,
    /// <c>MCP-Protocol-Version</c>, <c>Mcp-Method</c> and, when the method has one, <c>Mcp-Name</c>.
    /// </summary>
    public static HttpRequestMessage Post(Uri url, string body, string method, string? name = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", method);
        if (name is not null)
        {
            request.Headers.Add("Mcp-Name", name);
        }

        return request;
    }
}
