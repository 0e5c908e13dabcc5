using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Http;

/// <summary>
/// Every route of the gateway's listener, in this one place: the MCP endpoint behind its checks, and the health
/// probes, which need no auth and say nothing but their status. (Telemetry's <c>/metrics</c> belongs here too.)
/// </summary>
internal static class GatewayRoutes
{
    public static void Map(WebApplication app, ServeOptions options, McpEndpoint endpoint, GatewayChecks checks, Func<bool> ready)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => ready() ? Results.Text("ready\n") : Results.StatusCode(StatusCodes.Status503ServiceUnavailable));

        // The checks run only in front of the MCP endpoint (not the probes), around the handler, so an agent's
        // request counts as open until its answer is written.
        app.Use((context, next) => context.Request.Path.Equals(options.Path, StringComparison.Ordinal)
            ? checks.InvokeAsync(context, next)
            : next(context));
        var mcp = app.MapGroup(options.Path);
        mcp.MapPost("", endpoint.PostAsync);
        mcp.MapGet("", endpoint.GetAsync);
        mcp.MapDelete("", endpoint.DeleteAsync);
    }
}
