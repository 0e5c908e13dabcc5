using McpGuard.Http.Bearer;
using McpGuard.Policy.Settings;
using McpGuard.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Http;

/// <summary>
/// Every route of the gateway's listener, in this one place: the MCP endpoint behind its checks, and the health
/// probes, which need no auth and say nothing but their status, the RFC 9728 metadata in OAuth mode, and, with
/// <c>telemetry.prometheus</c>, <c>/metrics</c> behind the same checks.
/// </summary>
internal static class GatewayRoutes
{
    public const string MetricsPath = "/metrics";

    public static void Map(
        WebApplication app,
        ServeOptions options,
        McpEndpoint endpoint,
        GatewayChecks checks,
        Readiness readiness,
        PrometheusMetrics? metrics = null)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", async (HttpContext context) =>
            await readiness.CheckAsync(context.RequestAborted) is ReadinessOutcome.Ready
                ? Results.Text("ready\n")
                : Results.Text("not ready\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        if (options.Auth is ServeAuth.OAuth oauth)
        {
            // RFC 9728: how a client that got a 401 finds the authorization server; public, like the probes.
            var document = ProtectedResourceMetadata.Document(oauth);
            IResult Metadata() => Results.Bytes(document, "application/json");
            app.MapGet(ProtectedResourceMetadata.PathFor(options.Path), Metadata);
            app.MapGet(ProtectedResourceMetadata.WellKnown, Metadata);
        }


        // The checks run only in front of the MCP endpoint and the metrics scrape (not the probes), around the handler,
        // so an agent's request counts as open until its answer is written and a scrape needs the endpoint's auth.
        app.Use((context, next) => context.Request.Path.Equals(options.Path, StringComparison.Ordinal)
            || (metrics is not null && context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal))
            ? checks.InvokeAsync(context, next)
            : next(context));
        var mcp = app.MapGroup(options.Path);
        mcp.MapPost("", endpoint.PostAsync);
        mcp.MapGet("", endpoint.GetAsync);
        mcp.MapDelete("", endpoint.DeleteAsync);
        if (metrics is not null)
        {
            // telemetry.prometheus (docs/telemetry.md): the text format, written by the guard itself.
            app.MapGet(MetricsPath, () => Results.Text(metrics.Scrape(), "text/plain; version=0.0.4; charset=utf-8"));
        }
    }
}
