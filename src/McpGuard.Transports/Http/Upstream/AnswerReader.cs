using System.Buffers;
using System.Net.Http.Headers;

namespace McpGuard.Http.Upstream;

/// <summary>
/// Reads one HTTP answer of the upstream, whatever its 2xx status: a JSON body (one message) or an event stream
/// (a message per <c>message</c> event, parsed by <see cref="SseParser"/>), the media type compared as
/// <see cref="MediaType"/> says. Every message is checked (<see cref="InboundMessage"/>) before it is handed on.
/// </summary>
internal static class AnswerReader
{
    /// <param name="events">The parser for an event stream, when its last event id and retry time are wanted
    /// afterwards; null: one of its own, made only for an event stream (a JSON answer needs none).</param>
    /// <param name="onMessage">Takes each checked message; returns true when nothing more is awaited from this
    /// answer.</param>
    /// <param name="onProgress">Called whenever bytes arrive, so an idle timeout can start over.</param>
    public static async Task<AnswerOutcome> ReadAsync(
        HttpContent content,
        SseParser? events,
        Func<InboundMessage, ValueTask<bool>> onMessage,
        Action onProgress,
        long maxMessageBytes,
        CancellationToken cancellationToken)
    {
        var type = MediaType.Essence(ContentType(content.Headers));
        await using var body = await content.ReadAsStreamAsync(cancellationToken);
        return type switch
        {
            MediaType.Json => await ReadJsonAsync(
                body, content.Headers.ContentLength, onMessage, maxMessageBytes, cancellationToken),
            MediaType.EventStream => await ReadEventsAsync(
                body, events ?? new SseParser(maxMessageBytes), onMessage, onProgress, cancellationToken),
            null when content.Headers.ContentLength == 0 || await IsEmptyAsync(body, cancellationToken) =>
                AnswerOutcome.Ended,
            _ => AnswerOutcome.UnsupportedMediaType,
        };
    }

    /// <summary>
    /// The Content-Type as sent (the typed header is null when .NET cannot parse it, which is still a type).
    /// </summary>
    /// <remarks>The values' own enumerator: through LINQ it was boxed, with an enumerator object, per answer.</remarks>
    public static string? ContentType(HttpContentHeaders headers)
    {
        if (headers.NonValidated.TryGetValues("Content-Type", out var values))
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        return null;
    }

    /// <param name="length">The Content-Length, when the upstream sent one: the body is read into a buffer of that
    /// size. Without one (chunked), into a pooled buffer and then copied out at its size: growing a buffer to a
    /// chunk size a small answer never fills cost a 16 KiB allocation, zeroed, per answer.</param>
    private static async Task<AnswerOutcome> ReadJsonAsync(
        Stream body,
        long? length,
        Func<InboundMessage, ValueTask<bool>> onMessage,
        long maxMessageBytes,
        CancellationToken cancellationToken)
    {
        var expected = length is > 0 && length <= Math.Min(maxMessageBytes, Array.MaxLength - 1) ? (int)length : 0;
        var (bytes, oversized) = expected > 0
            ? await ReadAllAsync(body, new ArrayBufferWriter<byte>(expected + 1), 1, maxMessageBytes, cancellationToken)
            : await ReadChunkedAsync(body, maxMessageBytes, cancellationToken);
        if (oversized)
        {
            return AnswerOutcome.Oversized;
        }

        if (!InboundMessage.TryRead(bytes, out var message))
        {
            return AnswerOutcome.Unreadable;
        }

        await onMessage(message);
        return AnswerOutcome.Ended;
    }

    /// <summary>A body of unknown length: a small one fits the pooled buffer; a bigger one goes on growing.</summary>
    private static async Task<(ReadOnlyMemory<byte> Bytes, bool Oversized)> ReadChunkedAsync(
        Stream body, long maxMessageBytes, CancellationToken cancellationToken)
    {
        var pooled = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var filled = 0;
            while (filled < pooled.Length)
            {
                var read = await body.ReadAsync(pooled.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    return filled > maxMessageBytes ? (default, true) : (pooled.AsSpan(0, filled).ToArray(), false);
                }

                filled += read;
            }

            var buffer = new ArrayBufferWriter<byte>(filled * 2);
            buffer.Write(pooled.AsSpan(0, filled));
            return await ReadAllAsync(body, buffer, 16 * 1024, maxMessageBytes, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }

    private static async Task<(ReadOnlyMemory<byte> Bytes, bool Oversized)> ReadAllAsync(
        Stream body,
        ArrayBufferWriter<byte> buffer,
        int sizeHint,
        long maxMessageBytes,
        CancellationToken cancellationToken)
    {
        while (buffer.WrittenCount <= maxMessageBytes)
        {
            var read = await body.ReadAsync(buffer.GetMemory(sizeHint), cancellationToken);
            if (read == 0)
            {
                return (buffer.WrittenMemory, false);
            }

            buffer.Advance(read);
        }

        return (default, true);
    }

    private static async Task<AnswerOutcome> ReadEventsAsync(
        Stream body,
        SseParser parser,
        Func<InboundMessage, ValueTask<bool>> onMessage,
        Action onProgress,
        CancellationToken cancellationToken)
    {
        var events = new List<SseEvent>();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var read = await body.ReadAsync(chunk, cancellationToken);
                if (read == 0)
                {
                    return AnswerOutcome.Ended;
                }

                onProgress();
                if (!parser.Feed(chunk.AsSpan(0, read), events))
                {
                    return AnswerOutcome.Oversized;
                }

                foreach (var item in events)
                {
                    // Other event types carry nothing MCP defines; an empty data field only primes resumption
                    // (2025-11-25). Neither is a message, neither is handed on.
                    if (item.Type != "message" || item.Data.IsEmpty)
                    {
                        continue;
                    }

                    if (!InboundMessage.TryRead(item.Data, out var message))
                    {
                        return AnswerOutcome.Unreadable;
                    }

                    if (await onMessage(message))
                    {
                        return AnswerOutcome.Ended;
                    }
                }

                events.Clear();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static async Task<bool> IsEmptyAsync(Stream body, CancellationToken cancellationToken) =>
        await body.ReadAsync(new byte[1], cancellationToken) == 0;
}
