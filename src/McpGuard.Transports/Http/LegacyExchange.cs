using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Http;

/// <summary>
/// A POST to a 2025 session (docs/serve.md), once <see cref="McpEndpoint"/> has checked it and found its session:
/// the message goes to the session's relay, and a request's answer comes back on the same response.
/// </summary>
internal static class LegacyExchange
{
    /// <summary>
    /// An <c>initialize</c> without a session id: opens a session for <paramref name="caller"/> and sends it there;
    /// 502 when the child cannot start, 503 when <c>sessions.max</c> are open.
    /// </summary>
    public static async Task InitializeAsync(
        LegacySessions sessions, CallingAgent caller, ClientMessage message, byte[] body, HttpResponse response,
        CancellationToken aborted)
    {
        LegacySession? session;
        try
        {
            session = sessions.Open(caller.Name, caller.Revoked);
        }
        catch (ChildStartException ex)
        {
            await HttpAnswers.JsonRpcErrorAsync(
                response, StatusCodes.Status502BadGateway, message.Id, McpErrorCode.InternalError.AsInt(), ex.Message);
            return;
        }

        if (session is null)
        {
            response.Headers.RetryAfter = "30";
            await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status503ServiceUnavailable, message.Id,
                HttpAnswers.TransportErrorCode, "Service Unavailable: too many open sessions; try again later.");
            return;
        }

        // The id is the client's only once the server accepted: an initialize answered with an error (the upstream
        // is down or refuses) opens nothing, else each retry would hold one of sessions.max until it idles out.
        var given = false;
        await ExchangeAsync(session, message, body, response, aborted, first =>
        {
            // Something before the answer (an SSE stream): the session is the client's from the stream's start.
            given = first.Kind != MessageKind.Response || !first.IsErrorAnswer();
            if (given)
            {
                response.Headers[McpEndpoint.SessionHeader] = session.Id;
            }
        });
        if (!given)
        {
            sessions.End(session);
        }
    }

    /// <summary>
    /// A message for an open session: a request is answered on <paramref name="response"/> (JSON or an SSE stream);
    /// a notification or the client's answer gets 202, or 404 when the session's relay has ended.
    /// </summary>
    /// <param name="beforeAnswer">Sees the first message written back, before any of it goes out.</param>
    public static async Task ExchangeAsync(
        LegacySession session, ClientMessage message, byte[] body, HttpResponse response, CancellationToken aborted,
        Action<OutboundMessage>? beforeAnswer = null)
    {
        session.Touch();
        if (message.Kind != MessageKind.Request)
        {
            // A notification or the client's answer (to an approval question, a sampling request): accepted.
            var sent = await session.Relay.SendAsync(body, message, aborted);
            if (sent && CancelledRequest(message) is { } withdrawn)
            {
                session.Relay.Router.Withdraw(withdrawn);
            }

            response.StatusCode = sent ? StatusCodes.Status202Accepted : StatusCodes.Status404NotFound;
            return;
        }

        var stream = new ClientStream(message.Id, OutboundMessage.ProgressTokenIn(message.Params));
        if (!session.Relay.Router.TryOpen(stream))
        {
            await HttpAnswers.JsonRpcErrorAsync(response, StatusCodes.Status200OK, message.Id,
                McpErrorCode.InvalidRequest.AsInt(), "Invalid request: a request with this id is already in flight.");
            return;
        }

        session.RequestOpened();
        try
        {
            if (!await session.Relay.SendAsync(body, message, aborted))
            {
                response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await AnswerWriter.WriteAnswerAsync(response, stream, aborted, beforeAnswer);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // 2025 era: a dropped connection is not a cancellation; the answer, when it comes, goes nowhere.
        }
        finally
        {
            session.Relay.Router.Close(stream);
            session.RequestClosed();
        }
    }

    /// <summary>The request a 2025 client's <c>notifications/cancelled</c> withdraws, if it is one.</summary>
    private static JsonRpcId? CancelledRequest(ClientMessage message) =>
        message.Kind == MessageKind.Notification && message.Method == NotificationMethods.CancelledNotification
        && message.Params.ValueKind == System.Text.Json.JsonValueKind.Object
        && message.Params.TryGetProperty("requestId"u8, out var requestId)
            ? JsonRpcId.FromElement(requestId)
            : null;
}
