using System.Buffers;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// What the traced peers need of a message the session already judged and is sending: a request's id, or an
/// answer's id and whether it failed. Only the top level is read, values are skipped, and a request stops being read
/// once its method and id are seen; nothing is checked (the session did), and the bytes are never changed.
/// </summary>
internal static class TracedMessages
{
    /// <summary>The id of a request (a message with a method and an id) going to the server.</summary>
    public static bool TryReadRequestId(ReadOnlySequence<byte> message, out JsonRpcId id)
    {
        id = default;
        try
        {
            var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            JsonRpcId? found = null;
            var hasMethod = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMethod = reader.ValueTextEquals("method"u8);
                var isId = !isMethod && reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isId)
                {
                    found = IdOf(ref reader, message);
                }
                else
                {
                    hasMethod |= isMethod;
                    reader.Skip();
                }

                if (hasMethod && found is not null)
                {
                    id = found.Value;
                    return true;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The id of an answer (a message with an id and no method) going to the client, whether it is an error or a
    /// tool result with <c>isError</c>, and the error's code.
    /// </summary>
    public static bool TryReadAnswer(ReadOnlySequence<byte> message, out JsonRpcId id, out bool isError, out long? code)
    {
        id = default;
        isError = false;
        code = null;
        try
        {
            var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            JsonRpcId? found = null;
            var plain = IsPlainAnswer(message);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (plain && found is not null)
                {
                    break;
                }

                if (reader.ValueTextEquals("method"u8))
                {
                    return false;
                }

                var member = reader.ValueTextEquals("id"u8) ? 1 : reader.ValueTextEquals("error"u8) ? 2
                    : reader.ValueTextEquals("result"u8) ? 3 : 0;
                reader.Read();
                switch (member)
                {
                    case 1:
                        found = IdOf(ref reader, message);
                        break;
                    case 2:
                        isError = true;
                        code = AnswerMembers.ErrorCode(ref reader);
                        break;
                    case 3:
                        isError |= AnswerMembers.ResultIsError(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            id = found.GetValueOrDefault();
            return found is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// An answer whose bytes hold no <c>method"</c>, no <c>"error"</c>, no escape, and <c>"isError"</c> only as
    /// <c>"isError":false</c> is a plain success: only its id is read, not the whole (possibly large) result.
    /// </summary>
    private static bool IsPlainAnswer(ReadOnlySequence<byte> message)
    {
        if (!message.IsSingleSegment)
        {
            return false;
        }

        var bytes = message.FirstSpan;
        if (bytes.Contains((byte)'\\') || bytes.IndexOf("method\""u8) >= 0)
        {
            return false;
        }

        // Every "rror\"" must be the tail of "isError":false (four bytes into it).
        for (var at = bytes.IndexOf("rror\""u8); at >= 0; at = bytes.IndexOf("rror\""u8))
        {
            if (at < 4 || !bytes[(at - 4)..].StartsWith("\"isError\":false"u8))
            {
                return false;
            }

            bytes = bytes[(at + 5)..];
        }

        return true;
    }

    private static JsonRpcId? IdOf(ref Utf8JsonReader reader, ReadOnlySequence<byte> message)
    {
        var raw = message.Slice(reader.TokenStartIndex, reader.BytesConsumed - reader.TokenStartIndex);
        var id = JsonRpcId.FromToken(ref reader, raw.IsSingleSegment ? raw.FirstSpan : raw.ToArray());
        reader.Skip();
        return id;
    }
}
