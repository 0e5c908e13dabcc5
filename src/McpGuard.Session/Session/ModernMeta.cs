using System.Buffers;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The per-request <c>_meta</c> envelope of the 2026-07-28 protocol: how the guard tells a request's era, and the
/// part of it the guard copies onto its own requests to the server so they travel in the client's era.
/// </summary>
internal static class ModernMeta
{
    public const string ProtocolVersionKey = "io.modelcontextprotocol/protocolVersion";

    public const string ClientInfoKey = "io.modelcontextprotocol/clientInfo";

    public const string ClientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";

    public const string SubscriptionIdKey = "io.modelcontextprotocol/subscriptionId";

    /// <summary>The first revision without initialize; revisions are dates, so later ones compare greater.</summary>
    public const string FirstModernRevision = "2026-07-28";

    /// <summary>A request is modern when its <c>_meta</c> names a revision of 2026-07-28 or later.</summary>
    public static ProtocolEra EraOf(JsonElement parameters) =>
        TryGetMeta(parameters, out var meta)
        && meta.TryGetProperty(ProtocolVersionKey, out var version)
        && version.ValueKind == JsonValueKind.String
        && string.CompareOrdinal(version.GetString(), FirstModernRevision) >= 0
            ? ProtocolEra.Modern
            : ProtocolEra.Legacy;

    /// <summary>
    /// The envelope keys of a modern request (revision, client info, client capabilities) as a JSON object, raw;
    /// null for a 2025-era request. Other <c>_meta</c> keys (a progress token) belong to that one request only.
    /// </summary>
    public static byte[]? EnvelopeOf(JsonElement parameters)
    {
        if (EraOf(parameters) != ProtocolEra.Modern || !TryGetMeta(parameters, out var meta))
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var key in (string[])[ProtocolVersionKey, ClientInfoKey, ClientCapabilitiesKey])
            {
                if (meta.TryGetProperty(key, out var value))
                {
                    writer.WritePropertyName(key);
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static bool TryGetMeta(JsonElement parameters, out JsonElement meta)
    {
        meta = default;
        return parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("_meta"u8, out meta)
            && meta.ValueKind == JsonValueKind.Object;
    }
}
