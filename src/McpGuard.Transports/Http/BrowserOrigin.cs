using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace McpGuard.Http;

/// <summary>
/// CORS for a page whose origin is in <c>serve.allowed_origins</c> (docs/serve.md#browsers): without it a browser
/// sends no JSON POST (its preflight got 405) and reads no answer. Called only once the origin passed the check;
/// any other origin got 403 before, with no CORS header.
/// </summary>
internal static class BrowserOrigin
{
    /// <summary>What a browser client must read besides the body: the session, why it was refused, when to retry.
    /// </summary>
    private const string Exposed = "Mcp-Session-Id, WWW-Authenticate, Retry-After";

    private const string Methods = "GET, POST, DELETE";

    /// <summary>Headers a client sends on its own (the request's own list is echoed when it gives one).</summary>
    private const string DefaultHeaders = "Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, "
        + "Mcp-Method, Mcp-Name, Last-Event-ID";

    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.AccessControlRequestMethod.Count > 0;

    public static void AnswerPreflight(HttpContext context, string origin)
    {
        var (request, response) = (context.Request, context.Response);
        response.StatusCode = StatusCodes.Status204NoContent;
        response.Headers.AccessControlAllowOrigin = origin;
        response.Headers.AccessControlAllowMethods = Methods;
        response.Headers.AccessControlAllowHeaders =
            request.Headers.AccessControlRequestHeaders is [{ Length: > 0 } asked] ? asked : DefaultHeaders;
        response.Headers.AccessControlMaxAge = "600";
        response.Headers.Vary = HeaderNames.Origin;
    }

    /// <summary>
    /// The preflight of a public document (the RFC 9728 metadata), from any origin: it holds nothing that a request
    /// without a browser could not read, and is read with no credentials.
    /// </summary>
    public static Task AnswerPublicPreflight(HttpContext context)
    {
        var (request, response) = (context.Request, context.Response);
        response.StatusCode = StatusCodes.Status204NoContent;
        response.Headers.AccessControlAllowOrigin = "*";
        response.Headers.AccessControlAllowMethods = "GET";
        response.Headers.AccessControlAllowHeaders =
            request.Headers.AccessControlRequestHeaders is [{ Length: > 0 } asked] ? asked : "MCP-Protocol-Version";
        response.Headers.AccessControlMaxAge = "600";
        return Task.CompletedTask;
    }

    public static void Allow(HttpResponse response, string origin)
    {
        response.Headers.AccessControlAllowOrigin = origin;
        response.Headers.AccessControlExposeHeaders = Exposed;
        response.Headers.Vary = HeaderNames.Origin;
    }
}
