using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The facts of one judged message the guard sends upstream that decide its POST: kind, id, method, the revision
/// its 2026-07-28 envelope names (null for a 2025-era message) and the value <c>Mcp-Name</c> mirrors. Every header
/// comes from these, read from the judged body itself, never from anything the client sent beside it.
/// </summary>
internal sealed record OutboundMessage(OutboundKind Kind, JsonRpcId? Id, string? Method, string? ModernRevision, string? NameValue)
{
    public bool IsModern => ModernRevision is not null;

    /// <summary>The <c>requestId</c> of a <c>notifications/cancelled</c>, for closing that request's stream.</summary>
    public JsonRpcId? CancelledId { get; init; }

    public static bool TryRead(ReadOnlyMemory<byte> message, [NotNullWhen(true)] out OutboundMessage? outbound)
    {
        outbound = null;
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var id = root.TryGetProperty("id"u8, out var idElement) ? JsonRpcId.FromElement(idElement) : null;
            if (!root.TryGetProperty("method"u8, out var methodElement) || methodElement.ValueKind != JsonValueKind.String)
            {
                outbound = new OutboundMessage(OutboundKind.Response, id, null, null, null);
                return id is not null;
            }

            var method = methodElement.GetString()!;
            var parameters = root.TryGetProperty("params"u8, out var p) ? p : default;
            outbound = new OutboundMessage(
                id is null ? OutboundKind.Notification : OutboundKind.Request,
                id,
                method,
                ModernRevisionOf(parameters),
                McpRequestHeaders.NameSource(method, parameters))
            {
                CancelledId = method == "notifications/cancelled" && parameters.ValueKind == JsonValueKind.Object
                    && parameters.TryGetProperty("requestId"u8, out var cancelled) ? JsonRpcId.FromElement(cancelled) : null,
            };
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? ModernRevisionOf(JsonElement parameters) =>
        ModernMeta.EraOf(parameters) == ProtocolEra.Modern
        && ModernMeta.TryGetMeta(parameters, out var meta)
        && meta.GetProperty(ModernMeta.ProtocolVersionKey).GetString() is { } revision
            ? revision
            : null;
}
