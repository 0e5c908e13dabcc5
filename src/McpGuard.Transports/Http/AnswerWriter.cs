using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Http;

/// <summary>
/// Writes what a <see cref="ClientStream"/> carries as the HTTP answer: the answer alone as JSON, or, when other
/// messages come first (progress, the approval question) or the call waits for a person, an SSE stream that ends with
/// the answer.
/// </summary>
/// <remarks>
/// An event stream that has nothing to say for <see cref="KeepAliveEvery"/> gets an SSE comment, which clients skip:
/// proxies end a response that is silent for their read timeout (nginx's default 60 s, the <c>timeout server</c> of
/// HAProxy), which cut a session's idle GET stream and a call waiting for a person. A GET stream starts with one, so
/// its headers pass a proxy that holds them until the first bytes of the body (HAProxy 2.6).
/// </remarks>
internal static class AnswerWriter
{
    /// <summary>How long an event stream may stay silent before it gets a comment (docs/serve.md#scale-out).</summary>
    public static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(15);

    private static readonly byte[] s_eventStart = "event: message\ndata: "u8.ToArray();
    private static readonly byte[] s_eventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] s_keepAlive = ": keep-alive\n\n"u8.ToArray();

    /// <summary>
    /// A POST's answer. Returns whether the answer was written (false: the stream ended without one).
    /// </summary>
    /// <param name="beforeAnswer">Sees the first message before anything is written, so it may still set headers.
    /// </param>
    /// <param name="modern">A 2026-07-28 request: an error answer that comes alone may have a status of its own
    /// (<see cref="ModernErrorStatus"/>).</param>
    /// <param name="keepAlive">The silence before a comment; <see cref="KeepAliveEvery"/> unless a test says.</param>
    public static async Task<bool> WriteAnswerAsync(
        HttpResponse response, ClientStream stream, CancellationToken cancellationToken,
        Action<OutboundMessage>? beforeAnswer = null, bool modern = false, TimeSpan? keepAlive = null)
    {
        if (!await stream.WaitToReadAsync(cancellationToken) || !stream.TryRead(out var first))
        {
            // The session ended before anything came (the child died and its pending answers were written elsewhere),
            // or the client withdrew the request (202: accepted, and no answer follows).
            response.StatusCode = stream.Withdrawn ? StatusCodes.Status202Accepted : StatusCodes.Status502BadGateway;
            return false;
        }

        beforeAnswer?.Invoke(first);

        if (first.Kind == MessageKind.Response)
        {
            var bytes = stream.Restore?.Apply(first) ?? first.Bytes;
            if (modern)
            {
                response.StatusCode = ModernErrorStatus.Of(bytes);
            }

            response.ContentType = "application/json";
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, cancellationToken);
            return true;
        }

        StartEventStream(response);
        await WriteEventAsync(response, stream, first, cancellationToken);
        return await WriteEventsAsync(response, stream, keepAlive ?? KeepAliveEvery, cancellationToken);
    }

    /// <summary>A GET stream: every message until the session or the client ends it.</summary>
    public static async Task WriteStreamAsync(
        HttpResponse response, ClientStream stream, IEnumerable<OutboundMessage> waiting,
        CancellationToken cancellationToken, TimeSpan? keepAlive = null)
    {
        StartEventStream(response);
        await WriteKeepAliveAsync(response, cancellationToken);
        foreach (var message in waiting)
        {
            await WriteEventAsync(response, stream, message, cancellationToken);
        }

        await WriteEventsAsync(response, stream, keepAlive ?? KeepAliveEvery, cancellationToken);
    }

    private static async Task<bool> WriteEventsAsync(
        HttpResponse response, ClientStream stream, TimeSpan keepAlive, CancellationToken cancellationToken)
    {
        // The wait for the next message ends after keepAlive of silence too: a comment, and it waits again.
        var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (true)
            {
                silence.CancelAfter(keepAlive);
                bool more;
                try
                {
                    more = await stream.WaitToReadAsync(silence.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    silence.Dispose();
                    silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    await WriteKeepAliveAsync(response, cancellationToken);
                    continue;
                }

                if (!more)
                {
                    return false;
                }

                while (stream.TryRead(out var message))
                {
                    await WriteEventAsync(response, stream, message, cancellationToken);
                    if (message.Kind == MessageKind.Response && stream.Answers is not null)
                    {
                        return true;
                    }
                }
            }
        }
        finally
        {
            silence.Dispose();
        }
    }

    private static async Task WriteKeepAliveAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(s_keepAlive, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static void StartEventStream(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>
    /// One SSE event; a message is one line of JSON, so it is one <c>data:</c> line. <see
    /// cref="OutboundMessage.WaitingForPerson"/> is a comment: the headers and a first sign of life go out now.
    /// </summary>
    private static async Task WriteEventAsync(
        HttpResponse response, ClientStream stream, OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.IsWaitingForPerson)
        {
            await WriteKeepAliveAsync(response, cancellationToken);
            return;
        }

        await response.Body.WriteAsync(s_eventStart, cancellationToken);
        await response.Body.WriteAsync(stream.Restore?.Apply(message) ?? message.Bytes, cancellationToken);
        await response.Body.WriteAsync(s_eventEnd, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
