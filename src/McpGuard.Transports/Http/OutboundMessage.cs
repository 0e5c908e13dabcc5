using System.Text.Json;
using McpGuard.Session;
using McpGuard.Stdio;

namespace McpGuard.Http;

/// <summary>
/// What the router needs to know of one message the guard sends towards the client: whether it answers a request
/// (and which), and the progress token a notification belongs to. Everything else travels as the bytes.
/// </summary>
internal readonly record struct OutboundMessage(
    byte[] Bytes, MessageKind Kind, JsonRpcId? Id, string? ProgressToken, JsonRpcId? SubscriptionId = null)
{
    /// <summary>
    /// Not a message: the request waits for a person, so its answer is an event stream from now on, kept alive while
    /// the person decides (<see cref="AnswerWriter"/>, docs/serve.md). Written as an SSE comment.
    /// </summary>
    public static OutboundMessage WaitingForPerson { get; } = new([], MessageKind.Notification, null, null);

    /// <summary>Whether this is <see cref="WaitingForPerson"/> (no message has no bytes).</summary>
    public bool IsWaitingForPerson => Bytes.Length == 0;

    /// <summary>
    /// An answer or a request needs only its id: a forward pass with a reader finds it, and whether there is a
    /// method, without a document (one per message cost ~7,000 instructions of a `serve --url` call, callgrind).
    /// A notification, which may belong to a request by its progress token or subscription, is read whole.
    /// </summary>
    public static OutboundMessage Read(byte[] bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Nobodys(bytes);
            }

            JsonRpcId? id = null;
            var (idSeen, hasMethod, isAnswer) = (false, false, false);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                var isMethod = !isId && reader.ValueTextEquals("method"u8);
                isAnswer |= !isId && !isMethod
                    && (reader.ValueTextEquals("result"u8) || reader.ValueTextEquals("error"u8));
                hasMethod |= isMethod;
                reader.Read();
                if (isId)
                {
                    var raw = bytes.AsSpan()[(int)reader.TokenStartIndex..(int)reader.BytesConsumed];
                    id = JsonRpcId.FromToken(ref reader, raw);
                    idSeen = true;
                }

                // The guard writes only valid JSON-RPC (an answer has a result or an error and no method): an answer
                // or a request is known once its id is, and the rest, usually the whole result, is not read.
                if (idSeen && (isAnswer || hasMethod))
                {
                    break;
                }

                // Past the value (a no-op for one that is a single token).
                reader.Skip();
            }

            return isAnswer || !hasMethod ? new OutboundMessage(bytes, MessageKind.Response, id, null)
                : id is not null ? new OutboundMessage(bytes, MessageKind.Request, id, null)
                : ReadNotification(bytes);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an id string escapes an unpaired surrogate, which no string can hold.
            return Nobodys(bytes);
        }
    }

    /// <summary>
    /// Whether this answer is a JSON-RPC error: read only for an <c>initialize</c>'s answer, which opens a 2025
    /// session only when it is a result.
    /// </summary>
    public bool IsErrorAnswer()
    {
        try
        {
            var reader = new Utf8JsonReader(Bytes, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("error"u8))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: not an error answer either; the guard writes only valid JSON-RPC.
        }

        return false;
    }

    /// <summary>
    /// The token a request's <c>params._meta.progressToken</c> (or a progress notification's) carries.
    /// </summary>
    public static string? ProgressTokenOf(JsonElement message) =>
        message.TryGetProperty("params"u8, out var parameters) ? ProgressTokenIn(parameters) : null;

    /// <summary>The same, from the message's <c>params</c> (a validated message has them at hand).</summary>
    public static string? ProgressTokenIn(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (parameters.TryGetProperty("progressToken"u8, out var token) ||
            (ModernMeta.TryGetMeta(parameters, out var meta) && meta.TryGetProperty("progressToken"u8, out token)))
        {
            return token.ValueKind is JsonValueKind.String or JsonValueKind.Number ? token.GetRawText() : null;
        }

        return null;
    }

    private static OutboundMessage ReadNotification(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 1024 });
        var root = document.RootElement;
        return new OutboundMessage(bytes, MessageKind.Notification, null, ProgressTokenOf(root), SubscriptionOf(root));
    }

    /// <summary>
    /// The guard only writes what it validated or built; anything else is nobody's and is not delivered.
    /// </summary>
    private static OutboundMessage Nobodys(byte[] bytes) => new(bytes, MessageKind.Response, null, null);

    /// <summary>
    /// The listen request a 2026-07-28 change notification belongs to (<c>_meta</c>'s subscription id).
    /// </summary>
    private static JsonRpcId? SubscriptionOf(JsonElement message) =>
        message.TryGetProperty("params"u8, out var parameters) && ModernMeta.TryGetMeta(parameters, out var meta)
        && meta.TryGetProperty(ModernMeta.SubscriptionIdKey, out var id)
            ? JsonRpcId.FromElement(id)
            : null;
}
