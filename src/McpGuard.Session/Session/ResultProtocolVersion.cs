using System.Buffers;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The revision a server's answer to <c>initialize</c> negotiated, for the spans of the session's requests
/// (<see cref="RequestSpans.Negotiated"/>): read from the bytes as they pass, without parsing the whole answer.
/// </summary>
internal static class ResultProtocolVersion
{
    /// <summary>
    /// <c>result.protocolVersion</c> of an answer, if it is a short string of visible ASCII (it is the server's
    /// text, and becomes an attribute).
    /// </summary>
    public static string? Read(ReadOnlySequence<byte> answer)
    {
        try
        {
            var reader = new Utf8JsonReader(answer);
            var inResult = false;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (reader.CurrentDepth == 1)
                {
                    inResult = reader.ValueTextEquals("result"u8);
                    if (!inResult)
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
                else if (inResult && reader.CurrentDepth == 2 && reader.ValueTextEquals("protocolVersion"u8))
                {
                    reader.Read();
                    var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    return value is { Length: > 0 and <= 64 } && value.All(c => c is > ' ' and <= '~') ? value : null;
                }
                else if (reader.CurrentDepth == 2)
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not this session's business: the answer goes to the client as it is.
        }

        return null;
    }
}
