using McpGuard.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace McpGuard.Http;

/// <summary>
/// What every request to the MCP endpoint passes before it is read: its Host (400), its Origin (403), who sends it
/// (401), and how many that agent has open (429). The client's credentials are then removed from the request, so
/// nothing after this point can pass them on to a server.
/// </summary>
internal sealed class GatewayChecks(ServeOptions options, TokenAuthenticator? tokens, AgentConcurrency concurrency)
{
    public HostCheck Host { get; } = new(options);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!Host.Allows(request.Host.Value))
        {
            await HttpAnswers.StatusAsync(context.Response, StatusCodes.Status400BadRequest, "This Host is not the gateway's.");
            return;
        }

        if (request.Headers.Origin is [{ } origin] && !Host.IsOwnOrigin(origin)
            && !options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            await HttpAnswers.StatusAsync(context.Response, StatusCodes.Status403Forbidden, "This Origin is not allowed.");
            return;
        }

        if (Authenticate(request) is not { } agent)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await HttpAnswers.StatusAsync(context.Response, StatusCodes.Status401Unauthorized, "A valid bearer token is required.");
            return;
        }

        request.Headers.Remove(HeaderNames.Authorization);
        request.Headers.Remove(HeaderNames.Cookie);
        request.Headers.Remove(HeaderNames.ProxyAuthorization);
        if (!concurrency.TryEnter(agent))
        {
            context.Response.Headers.RetryAfter = "1";
            await HttpAnswers.StatusAsync(context.Response, StatusCodes.Status429TooManyRequests, "Too many open requests for this agent.");
            return;
        }

        try
        {
            context.Features.Set(new CallingAgent(agent));
            await next(context);
        }
        finally
        {
            concurrency.Exit(agent);
        }
    }

    private string? Authenticate(HttpRequest request)
    {
        if (options.Auth is ServeAuth.None)
        {
            return Environment.UserName;
        }

        var header = request.Headers.Authorization;
        if (tokens is null || header is not [{ } value] || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return tokens.Authenticate(value["Bearer ".Length..].Trim());
    }
}
