using McpGuard.Http.Bearer;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace McpGuard.Http;

/// <summary>
/// What every request to the MCP endpoint passes before it is read: its Host (400), its Origin (403), who sends it
/// (401), and how many that agent has open (429). The client's credentials are then removed from the request, so
/// nothing after this point can pass them on to a server.
/// </summary>
internal sealed class GatewayChecks(
    ServeOptions options, IRequestAuthenticator authenticator, AgentConcurrency concurrency)
{
    private const string ListenMethod = "subscriptions/listen";

    /// <summary>The agent's open <c>subscriptions/listen</c> streams, capped like its requests.</summary>
    private readonly AgentConcurrency _listens = new(options.MaxRequestsPerAgent);

    public HostCheck Host { get; } = new(options);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!Host.Allows(request.Host.Value))
        {
            await HttpAnswers.StatusAsync(
                context.Response, StatusCodes.Status400BadRequest, "This Host is not the gateway's.");
            return;
        }

        // Two Origin headers are not "no Origin" (fail closed): no browser sends them, and neither may pass unchecked.
        var origins = request.Headers.Origin;
        if (origins.Count > 1 || origins is [{ } origin] && !Host.IsOwnOrigin(origin)
            && !options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            await HttpAnswers.StatusAsync(
                context.Response, StatusCodes.Status403Forbidden, "This Origin is not allowed.");
            return;
        }

        if (request.Headers.Origin is [{ } allowed] && !Host.IsOwnOrigin(allowed))
        {
            // An allowed browser origin (docs/serve.md#browsers): its preflight carries no token, and it may read
            // the answers (also a 401) and the session id only when they name it.
            if (BrowserOrigin.IsPreflight(request))
            {
                BrowserOrigin.AnswerPreflight(context, allowed);
                return;
            }

            BrowserOrigin.Allow(context.Response, allowed);
        }

        var authorization = request.Headers.Authorization is [{ } value] ? value : null;
        var outcome = context.Features.Get<IConnectionItemsFeature>() is { } connection
            ? await authenticator.AuthenticateAsync(authorization, connection.Items, context.RequestAborted)
            : await authenticator.AuthenticateAsync(
                IRequestAuthenticator.BearerToken(authorization), context.RequestAborted);
        if (outcome is not AuthOutcome.Accepted { Agent: var agent, Revoked: var revoked, Expired: var expired })
        {
            await RefuseAsync(context, outcome);
            return;
        }

        request.Headers.Remove(HeaderNames.Authorization);
        request.Headers.Remove(HeaderNames.Cookie);
        request.Headers.Remove(HeaderNames.ProxyAuthorization);
        // A 2025 session's GET stream and a 2026-07-28 subscriptions/listen stay open while their client is connected,
        // idle or not: counted with the calls, 32 connected clients of one agent (every client with auth: none) would
        // get 429 for every call. A GET stream is one per session (409 beyond; sessions.max bounds them); listens have
        // a cap of their own, known by Mcp-Method before the body is read (a body that says otherwise gets 400).
        var cap = HttpMethods.IsGet(request.Method) ? null
            : McpHeaderValues.Keep(context).Method is [ListenMethod] ? _listens
            : concurrency;
        if (cap is not null && !cap.TryEnter(agent))
        {
            context.Response.Headers.RetryAfter = "1";
            await HttpAnswers.StatusAsync(
                context.Response, StatusCodes.Status429TooManyRequests, "Too many open requests for this agent.");
            return;
        }

        // A revoked token's requests end at once (a GET stream, a listen, a call waiting for its answer or a person):
        // the client sees its connection go, and its next request gets 401.
        var revocation = revoked.UnsafeRegister(static c => ((HttpContext)c!).Abort(), context);

        // So do those of a token that expired while they were open (an OAuth token's exp).
        var expiry = expired.UnsafeRegister(static c => ((HttpContext)c!).Abort(), context);
        try
        {
            context.Features.Set(new CallingAgent(agent, revoked));
            await next(context);
        }
        finally
        {
            revocation.Dispose();
            expiry.Dispose();
            cap?.Exit(agent);
        }
    }

    /// <summary>
    /// 401 with <c>WWW-Authenticate: Bearer</c> (RFC 6750), naming in OAuth mode where the metadata is (RFC 9728);
    /// 403 <c>insufficient_scope</c>; 503 when the issuer's keys cannot be had. The reason never holds the token.
    /// </summary>
    private Task RefuseAsync(HttpContext context, AuthOutcome outcome)
    {
        var (request, response) = (context.Request, context.Response);
        var metadata = options.Auth is GatewayAuth.OAuth
            ? ", resource_metadata=\""
                + ProtectedResourceMetadata.UrlFor(options, request.Scheme, request.Host.Value!) + "\""
            : "";
        const int Unauthorized = StatusCodes.Status401Unauthorized;
        switch (outcome)
        {
            case AuthOutcome.MissingScope missing:
                var scope = options.Auth is GatewayAuth.OAuth oauth ? string.Join(' ', oauth.Scopes) : "";
                response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{scope}\"{metadata}";
                return HttpAnswers.StatusAsync(response, StatusCodes.Status403Forbidden, $"Forbidden: {missing.Why}.");
            case AuthOutcome.Unavailable unavailable:
                response.Headers.RetryAfter = "5";
                return HttpAnswers.StatusAsync(
                    response, StatusCodes.Status503ServiceUnavailable, $"Cannot check tokens now: {unavailable.Why}");
            case AuthOutcome.Refused { Presented: true } refused:
                response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\"{metadata}";
                return HttpAnswers.StatusAsync(
                    response, Unauthorized, $"A valid bearer token is required: {refused.Why}.");
            default:
                response.Headers.WWWAuthenticate = metadata.Length == 0 ? "Bearer" : "Bearer " + metadata[2..];
                return HttpAnswers.StatusAsync(response, Unauthorized, "A valid bearer token is required.");
        }
    }
}
