using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The facts of one judged message the guard sends upstream that decide its POST: kind, id, method, the revision
/// its 2026-07-28 envelope names (null for a 2025-era message) and the value <c>Mcp-Name</c> mirrors. Every header
/// comes from these, read from the judged body itself, never from anything the client sent beside it. The name and
/// a cancellation's request id are read for 2026-07-28 messages only: no 2025-era POST carries them.
/// </summary>
internal sealed record OutboundMessage(
    OutboundKind Kind, JsonRpcId? Id, string? Method, string? ModernRevision, string? NameValue)
{
    private static readonly byte[] s_revisionKey = Encoding.UTF8.GetBytes(ModernMeta.ProtocolVersionKey);

    public bool IsModern => ModernRevision is not null;

    /// <summary>The <c>requestId</c> of a <c>notifications/cancelled</c>, for closing that request's stream.</summary>
    public JsonRpcId? CancelledId { get; init; }

    /// <summary>
    /// One forward pass with a reader, no document: the session judged (and strictly validated) the message, so
    /// only its members that decide the POST are read, and the rest is skipped (a document per message cost ~14,000
    /// instructions of a `run --url` call, callgrind).
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> message, [NotNullWhen(true)] out OutboundMessage? outbound)
    {
        outbound = null;
        try
        {
            var reader = new Utf8JsonReader(message.Span, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            JsonRpcId? id = null;
            string? method = null;
            var parameters = new OutboundParams();
            var legacy = CannotBeModern(message.Span);
            while ((!legacy || id is null || method is null)
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                var isMethod = !isId && reader.ValueTextEquals("method"u8);
                var isParams = !isId && !isMethod && reader.ValueTextEquals("params"u8);
                reader.Read();
                if (isId)
                {
                    var raw = message.Span[(int)reader.TokenStartIndex..(int)reader.BytesConsumed];
                    id = JsonRpcId.FromToken(ref reader, raw);
                }
                else if (isMethod && reader.TokenType == JsonTokenType.String)
                {
                    method = reader.GetString();
                }
                else if (isParams && !legacy)
                {
                    parameters.Read(ref reader, message.Span);
                }
                else
                {
                    reader.Skip();
                }
            }

            if (method is null)
            {
                outbound = new OutboundMessage(OutboundKind.Response, id, null, null, null);
                return id is not null;
            }

            outbound = new OutboundMessage(
                id is null ? OutboundKind.Notification : OutboundKind.Request,
                id,
                method,
                parameters.ModernRevision,
                parameters.NameSource(method))
            {
                CancelledId = method == "notifications/cancelled" ? parameters.RequestId : null,
            };
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escapes an unpaired surrogate, which no string can hold.
            return false;
        }
    }

    /// <summary>
    /// True when the message cannot name a 2026-07-28 revision: the envelope's key is nowhere in its bytes and no
    /// escape could spell it. Such a 2025-era POST needs only the id and the method (the name, a cancellation's
    /// request id and the revision go on 2026-07-28 POSTs only), so reading stops once both are known.
    /// </summary>
    private static bool CannotBeModern(ReadOnlySpan<byte> message) =>
        !message.Contains((byte)'\\') && message.IndexOf(s_revisionKey) < 0;
}
