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
    public static OutboundMessage Read(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            var hasMethod = root.TryGetProperty("method"u8, out _);
            var id = root.TryGetProperty("id"u8, out var idElement) ? JsonRpcId.FromElement(idElement) : null;
            var kind = hasMethod ? id is null ? MessageKind.Notification : MessageKind.Request : MessageKind.Response;
            return kind == MessageKind.Notification
                ? new OutboundMessage(bytes, kind, id, ProgressTokenOf(root), SubscriptionOf(root))
                : new OutboundMessage(bytes, kind, id, null);
        }
        catch (JsonException)
        {
            // The guard only writes what it validated or built; anything else is nobody's and is not delivered.
            return new OutboundMessage(bytes, MessageKind.Response, null, null);
        }
    }

    /// <summary>
    /// The token a request's <c>params._meta.progressToken</c> (or a progress notification's) carries.
    /// </summary>
    public static string? ProgressTokenOf(JsonElement message)
    {
        if (!message.TryGetProperty("params"u8, out var parameters) || parameters.ValueKind != JsonValueKind.Object)
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

    /// <summary>
    /// The listen request a 2026-07-28 change notification belongs to (<c>_meta</c>'s subscription id).
    /// </summary>
    private static JsonRpcId? SubscriptionOf(JsonElement message) =>
        message.TryGetProperty("params"u8, out var parameters) && ModernMeta.TryGetMeta(parameters, out var meta)
        && meta.TryGetProperty(ModernMeta.SubscriptionIdKey, out var id)
            ? JsonRpcId.FromElement(id)
            : null;
}
