using System.Text.Json;
using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The members of an outbound message's <c>params</c> that its POST's headers come from, read in one pass of the
/// reader (the method may come after the params, so every candidate is kept): the name, uri and taskId that
/// <c>Mcp-Name</c> mirrors (<see cref="McpRequestHeaders.NameSource"/>), a cancellation's <c>requestId</c>, and
/// the revision its <c>_meta</c> names.
/// </summary>
internal struct OutboundParams
{
    private string? _name;
    private string? _uri;
    private string? _taskId;
    private string? _revision;

    public JsonRpcId? RequestId { get; private set; }

    /// <summary>The revision of a 2026-07-28 (or later) envelope; null for a 2025-era message.</summary>
    public readonly string? ModernRevision =>
        string.CompareOrdinal(_revision, ModernMeta.FirstModernRevision) >= 0 ? _revision : null;

    /// <summary>The value <c>Mcp-Name</c> mirrors for <paramref name="method"/>, as NameSource picks it.</summary>
    public readonly string? NameSource(string method) => method switch
    {
        "tools/call" or "prompts/get" => _name,
        "resources/read" => _uri,
        "tasks/get" or "tasks/update" or "tasks/cancel" => _taskId,
        _ => null,
    };

    /// <summary>Reads the params value under the reader, which ends on its last token.</summary>
    public void Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> message)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("_meta"u8))
            {
                reader.Read();
                ReadMeta(ref reader);
                continue;
            }

            var isName = reader.ValueTextEquals("name"u8);
            var isUri = reader.ValueTextEquals("uri"u8);
            var isTaskId = reader.ValueTextEquals("taskId"u8);
            var isRequestId = reader.ValueTextEquals("requestId"u8);
            reader.Read();
            if (isRequestId)
            {
                RequestId = JsonRpcId.FromToken(
                    ref reader, message[(int)reader.TokenStartIndex..(int)reader.BytesConsumed]);
            }
            else if (isName || isUri || isTaskId)
            {
                var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                _name = isName ? text : _name;
                _uri = isUri ? text : _uri;
                _taskId = isTaskId ? text : _taskId;
            }

            reader.Skip();
        }
    }

    private void ReadMeta(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isRevision = reader.ValueTextEquals(ModernMeta.ProtocolVersionKey);
            reader.Read();
            if (isRevision)
            {
                _revision = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }
    }
}
