using System.Buffers;
using McpGuard.Session;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Http;

/// <summary>
/// The one Streamable HTTP endpoint (docs/serve.md), both eras decided per request: a POST is checked exactly as a
/// stdio line, then goes to its 2025 session, opens one (<c>initialize</c>), or goes stateless to the shared child.
/// </summary>
/// <param name="shuttingDown">Ends the GET streams at shutdown, so they do not hold up the drain.</param>
internal sealed class McpEndpoint(
    LegacySessions sessions, StatelessRequests stateless, ServeOptions options, CancellationToken shuttingDown)
{
    public const string SessionHeader = "Mcp-Session-Id";

    private readonly SessionFinder _finder = new(sessions);

    private const string AlreadyInitialized =
        "Invalid Request: this session is already initialized (an initialize without Mcp-Session-Id opens a new one).";

    public async Task PostAsync(HttpContext context)
    {
        var (request, response, aborted) = (context.Request, context.Response, context.RequestAborted);
        if (!EndpointRequest.IsJson(request.ContentType))
        {
            await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status415UnsupportedMediaType, null,
                HttpAnswers.TransportErrorCode, "Unsupported Media Type: a POST must be application/json.");
            return;
        }

        if (request.Headers.ContentEncoding.Count > 0 && ContentCoding.Unsupported(request.Headers.ContentEncoding)
            is { } coding)
        {
            // RFC 9110: the codings that would be accepted (none but identity) go in Accept-Encoding.
            response.Headers.AcceptEncoding = "identity";
            await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status415UnsupportedMediaType, null,
                HttpAnswers.TransportErrorCode, ContentCoding.Refusal(coding));
            return;
        }

        if (!EndpointRequest.AcceptsJsonAndEventStream(request))
        {
            await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status406NotAcceptable, null,
                HttpAnswers.TransportErrorCode,
                "Not Acceptable: a POST must accept both application/json and text/event-stream.");
            return;
        }

        var read = await RequestBody.ReadAsync(request, options.MaxMessageBytes, aborted);
        if (read is not BodyRead.Whole { Bytes: var body })
        {
            await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status413PayloadTooLarge, null,
                McpErrorCode.InvalidRequest.AsInt(), "Invalid request: the message is larger than McpGuard accepts.");
            return;
        }

        var check = ClientMessageValidator.Validate(new ReadOnlySequence<byte>(body));
        if (!check.Accepted(out var accepted))
        {
            var rejection = check.Refused(out var refused) ? refused
                : new LineRejection(McpErrorCode.ParseError.AsInt(), "Parse error: the body is empty.", null);
            // Not one valid JSON-RPC message (not JSON, a batch, a bad id, duplicate keys…): the error stdio gives,
            // with 400, as both SDKs' servers answer; the transport gives a message the server cannot accept an HTTP
            // error status, and a 200 would tell a client that a malformed notification was taken (docs/serve.md).
            await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status400BadRequest, rejection.Id,
                rejection.Code, rejection.Message);
            return;
        }

        using var message = accepted;

        var caller = context.Features.GetRequiredFeature<CallingAgent>();
        var agent = caller.Name;
        if (message.Kind != MessageKind.Response && message.Era == ProtocolEra.Modern)
        {
            // 2026-07-28: stateless, whatever Mcp-Session-Id it carries (the transport ignores it; the SDKs do), and
            // whatever its method: an initialize with the envelope opens no 2025 session (StatelessRequests).
            await (message.Kind == MessageKind.Request
                ? stateless.HandleAsync(context, message, body)
                : AcceptModernNotificationAsync(context, message));
            return;
        }

        // Read once, in the checks' one pass: a header Kestrel does not know is a lookup by name, ignoring case.
        var headers = McpHeaderValues.Of(context);
        var (sessionIds, revisions) = (headers.SessionIds, headers.Revisions);
        if (EndpointRequest.Repeated(sessionIds, revisions) is { } repeated)
        {
            await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status400BadRequest, message.Id,
                HttpAnswers.TransportErrorCode, RepeatedHeader.Refusal(repeated));
            return;
        }

        if (sessionIds is [{ } sessionId])
        {
            if (!sessions.TryGet(sessionId, out var session) || session.Agent != agent)
            {
                await HttpAnswers.SessionNotFoundAsync(response, message.Id);
                return;
            }

            if (!LegacyRevisions.Allows(revisions))
            {
                await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status400BadRequest, message.Id,
                    HttpAnswers.TransportErrorCode, LegacyRevisions.Refusal);
                return;
            }

            if (message.Method == RequestMethods.Initialize && message.Kind == MessageKind.Request)
            {
                // The id came with the answer to this session's initialize: it is initialized, and a second one would
                // renegotiate it with its server. Refused as the TypeScript SDK's server refuses it, never forwarded.
                await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status400BadRequest, message.Id,
                    McpErrorCode.InvalidRequest.AsInt(), AlreadyInitialized);
                return;
            }

            await LegacyExchange.ExchangeAsync(session, message, body, response, aborted);
            return;
        }

        if (message.Method == RequestMethods.Initialize && message.Kind == MessageKind.Request)
        {
            if (EndpointRequest.NamesModernRevision(revisions))
            {
                // The 2025 handshake under a 2026-07-28 header: which era is meant is unclear, so neither is served
                // (as the TypeScript SDK's server answers it).
                await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status400BadRequest, message.Id,
                    ModernHeaders.MismatchCode,
                    $"Bad request: an initialize (the 2025 handshake) must not carry a {LegacyRevisions.Header} "
                    + $"header of {ModernMeta.FirstModernRevision} or later.");
                return;
            }

            await LegacyExchange.InitializeAsync(sessions, caller, message, body, response, aborted);
            return;
        }

        // The message is a valid request; the HTTP request lacks what the transport asks for: a transport error, as
        // both SDKs' servers answer it (400, -32000), not an invalid JSON-RPC request.
        await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status400BadRequest, message.Id,
            HttpAnswers.TransportErrorCode,
            $"Bad Request: the {SessionHeader} header is required (initialize first).");
    }

    /// <summary>
    /// GET: the 2025 session's stream for server-initiated messages; without a session, 405. The client must accept
    /// an event stream (the transport spec's MUST; both SDKs answer 406 without it): it gets nothing else.
    /// </summary>
    public async Task GetAsync(HttpContext context)
    {
        if (context.Request.Headers[SessionHeader].Count > 0
            && !MediaType.Accepts(context.Request.GetTypedHeaders().Accept, MediaType.EventStream))
        {
            await HttpAnswers.JsonRpcErrorAsync(context.Response, StatusCodes.Status406NotAcceptable, null,
                HttpAnswers.TransportErrorCode, "Not Acceptable: a GET must accept text/event-stream.");
            return;
        }

        var lookup = _finder.Find(context);
        if (lookup is not SessionLookup.Found { Session: var session })
        {
            await SessionFinder.RefuseAsync(context, lookup);
            return;
        }

        var stream = new ClientStream(null, null);
        if (!session.Relay.Router.TryAttachGetStream(stream, out var waiting))
        {
            await HttpAnswers.JsonRpcErrorAsync(context.Response, StatusCodes.Status409Conflict, null,
                HttpAnswers.TransportErrorCode, "Conflict: this session's stream is open already.");
            return;
        }

        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shuttingDown);
        session.RequestOpened();
        try
        {
            await AnswerWriter.WriteStreamAsync(context.Response, stream, waiting, ended.Token);
        }
        catch (OperationCanceledException)
        {
            // The client closed the stream, or the gateway is shutting down.
        }
        finally
        {
            session.Relay.Router.Close(stream);
            session.RequestClosed();
        }
    }

    /// <summary>DELETE: ends the session at once; its child is ended in the background.</summary>
    public async Task DeleteAsync(HttpContext context)
    {
        var lookup = _finder.Find(context);
        if (lookup is not SessionLookup.Found { Session: var session })
        {
            await SessionFinder.RefuseAsync(context, lookup);
            return;
        }

        sessions.End(session);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>
    /// A 2026-07-28 notification: 202, as the transport asks, and not sent to the shared child, where it could reach
    /// other clients' requests (a <c>notifications/cancelled</c> naming an id of the guard's). A request is cancelled
    /// by closing its stream, which the guard passes on (the TypeScript SDK sends both when it ends a listen).
    /// </summary>
    private static Task AcceptModernNotificationAsync(HttpContext context, ClientMessage message)
    {
        if (ModernHeaders.Mismatch(context.Request.Headers, message, notification: true) is { } mismatch)
        {
            return HttpAnswers.JsonRpcErrorAsync(
                context.Response, StatusCodes.Status400BadRequest, null, ModernHeaders.MismatchCode, mismatch);
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        return Task.CompletedTask;
    }

    /// <summary>A method the transport does not use (PUT, PATCH, HEAD…): 405 with a -32000 error.</summary>
    public static Task MethodNotAllowedAsync(HttpResponse response)
    {
        response.Headers.Allow = "GET, POST, DELETE";
        return HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status405MethodNotAllowed, null,
            HttpAnswers.TransportErrorCode, "Method Not Allowed: the endpoint serves POST, GET and DELETE.");
    }
}
