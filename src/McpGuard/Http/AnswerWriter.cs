using McpGuard.Session;
using McpGuard.Stdio;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Http;

/// <summary>
/// Writes what a <see cref="ClientStream"/> carries as the HTTP answer: the answer alone as JSON, or, when other
/// messages come first (progress, the approval question), an SSE stream that ends with the answer.
/// </summary>
internal static class AnswerWriter
{
    private static readonly byte[] s_eventStart = "event: message\ndata: "u8.ToArray();
    private static readonly byte[] s_eventEnd = "\n\n"u8.ToArray();

    /// <summary>
    /// A POST's answer. Returns whether the answer was written (false: the stream ended without one).
    /// </summary>
    /// <param name="beforeAnswer">Sees the first message before anything is written, so it may still set headers.
    /// </param>
    /// <param name="modern">A 2026-07-28 request: an error answer that comes alone may have a status of its own
    /// (<see cref="ModernErrorStatus"/>).</param>
    public static async Task<bool> WriteAnswerAsync(
        HttpResponse response, ClientStream stream, CancellationToken cancellationToken,
        Action<OutboundMessage>? beforeAnswer = null, bool modern = false)
    {
        if (!await stream.WaitToReadAsync(cancellationToken) || !stream.TryRead(out var first))
        {
            // The session ended before anything came (the child died and its pending answers were written elsewhere).
            response.StatusCode = StatusCodes.Status502BadGateway;
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
        return await WriteEventsAsync(response, stream, cancellationToken);
    }

    /// <summary>A GET stream: every message until the session or the client ends it.</summary>
    public static async Task WriteStreamAsync(
        HttpResponse response, ClientStream stream, IEnumerable<OutboundMessage> waiting,
        CancellationToken cancellationToken)
    {
        StartEventStream(response);
        await response.Body.FlushAsync(cancellationToken);
        foreach (var message in waiting)
        {
            await WriteEventAsync(response, stream, message, cancellationToken);
        }

        await WriteEventsAsync(response, stream, cancellationToken);
    }

    private static async Task<bool> WriteEventsAsync(
        HttpResponse response, ClientStream stream, CancellationToken cancellationToken)
    {
        while (await stream.WaitToReadAsync(cancellationToken))
        {
            while (stream.TryRead(out var message))
            {
                await WriteEventAsync(response, stream, message, cancellationToken);
                if (message.Kind == MessageKind.Response && stream.Answers is not null)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void StartEventStream(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>One SSE event; a message is one line of JSON, so it is one <c>data:</c> line.</summary>
    private static async Task WriteEventAsync(
        HttpResponse response, ClientStream stream, OutboundMessage message, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(s_eventStart, cancellationToken);
        await response.Body.WriteAsync(stream.Restore?.Apply(message) ?? message.Bytes, cancellationToken);
        await response.Body.WriteAsync(s_eventEnd, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
