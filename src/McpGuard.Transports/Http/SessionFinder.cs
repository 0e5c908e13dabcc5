using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace McpGuard.Http;

/// <summary>
/// The 2025 session a GET or DELETE names with <c>Mcp-Session-Id</c> (docs/serve.md): found only for the agent that
/// opened it and under a 2025 revision, and kept from idling out when found; else why not, and how that is
/// answered.
/// </summary>
internal sealed class SessionFinder(LegacySessions sessions)
{
    /// <summary>The calling agent's session the request names (and keeps it from idling out), or why none.</summary>
    public SessionLookup Find(HttpContext context)
    {
        var headers = context.Request.Headers;
        var (sessionIds, revisions) = (headers[McpEndpoint.SessionHeader], headers[LegacyRevisions.Header]);
        if (EndpointRequest.Repeated(sessionIds, revisions) is { } repeated)
        {
            return new SessionLookup.Repeated(repeated);
        }

        if (sessionIds is not [{ } id])
        {
            return SessionLookup.NoHeader.Instance;
        }

        var agent = context.Features.GetRequiredFeature<CallingAgent>().Name;
        if (!sessions.TryGet(id, out var session) || session.Agent != agent)
        {
            return SessionLookup.Unknown.Instance;
        }

        if (!LegacyRevisions.Allows(revisions))
        {
            return SessionLookup.UnsupportedRevision.Instance;
        }

        session.Touch();
        return new SessionLookup.Found(session);
    }

    /// <summary>Answers a request whose session was not found.</summary>
    public static Task RefuseAsync(HttpContext context, SessionLookup lookup)
    {
        var response = context.Response;
        switch (lookup)
        {
            case SessionLookup.NoHeader:
                response.Headers.Allow = "POST";
                return HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status405MethodNotAllowed, null,
                    HttpAnswers.TransportErrorCode, "Method Not Allowed: without a session, only POST.");
            case SessionLookup.Repeated { Header: var header }:
                return HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status400BadRequest, null,
                    HttpAnswers.TransportErrorCode, RepeatedHeader.Refusal(header));
            case SessionLookup.UnsupportedRevision:
                return HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status400BadRequest, null,
                    HttpAnswers.TransportErrorCode, LegacyRevisions.Refusal);
            default:
                return HttpAnswers.SessionNotFoundAsync(response, null);
        }
    }
}
