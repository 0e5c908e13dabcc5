using McpGuard.Http.Bearer;
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
        // What needs no auth, by its exact path. Everything else runs the checks first: the router matches paths
        // case-insensitively and with a trailing slash (/MCP, /metrics/), so a test for the endpoint's own spelling
        // would let those through unchecked (no Host, Origin or token check, and no agent: a 500).
        var open = new HashSet<string>(StringComparer.Ordinal) { "/healthz", "/readyz" };
        // GET or HEAD, here and on every GET route (RFC 9110: a server supports both; some monitors probe with HEAD,
        // and Kestrel sends no body).
        string[] getOrHead = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/healthz", getOrHead, () => Results.Text("ok\n"));
        app.MapMethods("/readyz", getOrHead, async (HttpContext context) =>
            await readiness.CheckAsync(context.RequestAborted) is ReadinessOutcome.Ready
                ? Results.Text("ready\n")
                : Results.Text("not ready\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        if (options.Auth is GatewayAuth.OAuth oauth)
        {
            // RFC 9728: how a client that got a 401 finds the authorization server; public, like the probes, and
            // readable by a page of any origin: a browser client reads it before it has a token.
            var document = ProtectedResourceMetadata.Document(options, oauth);
            IResult Metadata(HttpContext context)
            {
                context.Response.Headers.AccessControlAllowOrigin = "*";
                return Results.Bytes(document, "application/json");
            }

            foreach (var path in ProtectedResourceMetadata.PathsFor(options))
            {
                app.MapMethods(path, getOrHead, Metadata);
                app.MapMethods(path, [HttpMethods.Options], BrowserOrigin.AnswerPublicPreflight);
                open.Add(path);
            }
        }

        // The checks run around the handler, so an agent's request counts as open until its answer is written, and a
        // metrics scrape needs the endpoint's auth.
        app.Use((context, next) => open.Contains(context.Request.Path.Value ?? "")
            ? next(context)
            : checks.InvokeAsync(context, next));
        // One route for every HTTP method, so a method the transport does not use gets the JSON-RPC 405 both SDKs
        // answer (the router's own 405 has no body).
        app.Map(options.Path, (RequestDelegate)(context => context.Request.Method switch
        {
            var m when HttpMethods.IsPost(m) => endpoint.PostAsync(context),
            var m when HttpMethods.IsGet(m) => endpoint.GetAsync(context),
            var m when HttpMethods.IsDelete(m) => endpoint.DeleteAsync(context),
            _ => McpEndpoint.MethodNotAllowedAsync(context.Response),
        }));
        if (metrics is not null)
        {
            // telemetry.prometheus (docs/telemetry.md): the text format, written by the guard itself.
            app.MapMethods(
                MetricsPath,
                getOrHead,
                () => Results.Text(metrics.Scrape(), "text/plain; version=0.0.4; charset=utf-8"));
        }
    }
}
