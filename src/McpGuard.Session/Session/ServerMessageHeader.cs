using System.Buffers;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// What the relay needs to know about a server→client line: its method and id. One forward pass with
/// Utf8JsonReader, no document and no copy, which also proves the line is one JSON-RPC 2.0 message (non-JSON
/// output of the child, and JSON that is not JSON-RPC, is never forwarded).
/// </summary>
internal readonly record struct ServerMessageHeader(
    string? Method, JsonRpcId? Id, bool IsError = false, long? ErrorCode = null, bool NamesNoTask = false)
{
    // NamesNoTask: true when the line was read here and no result of it has a member named task or taskId, so it
    // cannot be a task handle (TaskHandles.TryReadCreated) and is not searched again; false when not known.

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
            var isError = false;
            long? errorCode = null;
            var isVersion2 = false;
            var hasResult = false;
            var namesTask = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var member = JsonRpcMembers.Of(ref reader);
                reader.Read();
                if (member == JsonRpcMember.Version)
                {
                    isVersion2 = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
                }
                else if (member == JsonRpcMember.Method && reader.TokenType == JsonTokenType.String)
                {
                    method = reader.GetString();
                }
                else if (member == JsonRpcMember.Id)
                {
                    var raw = line.Slice(reader.TokenStartIndex, reader.BytesConsumed - reader.TokenStartIndex);
                    id = JsonRpcId.FromToken(ref reader, raw.IsSingleSegment ? raw.FirstSpan : raw.ToArray());
                }
                else if (member == JsonRpcMember.Error)
                {
                    isError = true;
                    errorCode = AnswerMembers.ErrorCode(ref reader);
                    continue;
                }
                else if (member == JsonRpcMember.Result)
                {
                    hasResult = true;
                    // Only the result's own top-level isError matters; its (possibly huge) content is skipped.
                    isError |= AnswerMembers.ResultIsError(ref reader, out var task);
                    namesTask |= task;
                    continue;
                }

                reader.Skip();
            }

            // Anything after the object (a second value, garbage) makes the line invalid.
            if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0 || reader.Read())
            {
                return false;
            }

            // JSON that is not a JSON-RPC 2.0 message (no version, or neither a method nor a result or an error)
            // is the child's noise, like non-JSON output: never forwarded.
            if (!isVersion2 || (method is null && !hasResult && !isError))
            {
                return false;
            }

            header = new ServerMessageHeader(method, id, isError, errorCode, NamesNoTask: !namesTask);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: the method or id escapes an unpaired surrogate, which no string can hold.
            return false;
        }
    }
}
