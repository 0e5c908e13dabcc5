using System.Buffers;
using System.Text.Json;

namespace McpGuard.Relay;

/// <summary>
/// What the relay needs to know about a server→client line: its method and id. One forward pass with
/// Utf8JsonReader, no document and no copy, which also proves the line is one JSON object (non-JSON
/// output of the child is never forwarded).
/// </summary>
internal readonly record struct ServerMessageHeader(string? Method, JsonRpcId? Id)
{
    public bool IsResponse => Method is null && Id is not null;

    public bool IsRequest => Method is not null && Id is not null;

    public static bool TryRead(ReadOnlySequence<byte> line, out ServerMessageHeader header)
    {
        header = default;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            string? method = null;
            JsonRpcId? id = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMethod = reader.ValueTextEquals("method"u8);
                var isId = !isMethod && reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isMethod && reader.TokenType == JsonTokenType.String)
                {
                    method = reader.GetString();
                }
                else if (isId)
                {
                    var raw = line.Slice(reader.TokenStartIndex, reader.BytesConsumed - reader.TokenStartIndex);
                    id = JsonRpcId.FromToken(ref reader, raw.IsSingleSegment ? raw.FirstSpan : raw.ToArray());
                }

                reader.Skip();
            }

            // Anything after the object (a second value, garbage) makes the line invalid.
            if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0 || reader.Read())
            {
                return false;
            }

            header = new ServerMessageHeader(method, id);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: the method or id escapes an unpaired surrogate, which no string can hold.
            return false;
        }
    }
}
