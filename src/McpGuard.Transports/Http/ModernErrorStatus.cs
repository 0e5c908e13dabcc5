using System.Text.Json;

namespace McpGuard.Http;

/// <summary>
/// The HTTP status of a 2026-07-28 answer that is one of the errors the transport gives a status of its own
/// (docs/serve.md): Method not found is 404 (which tells a modern client the endpoint is modern, not a legacy
/// HTTP+SSE server), a header mismatch, a missing client capability and an unsupported protocol version 400. As the
/// C# SDK's handler does, only an answer that comes alone as JSON gets one: a stream has started with 200.
/// </summary>
internal static class ModernErrorStatus
{
    private const int MethodNotFound = -32601;
    private const int HeaderMismatch = -32020;
    private const int MissingRequiredClientCapability = -32021;
    private const int UnsupportedProtocolVersion = -32022;

    /// <summary>The status for <paramref name="answer"/>: 200 unless it is one of those errors.</summary>
    public static int Of(ReadOnlySpan<byte> answer) => ErrorCodeOf(answer) switch
    {
        MethodNotFound => 404,
        HeaderMismatch or MissingRequiredClientCapability or UnsupportedProtocolVersion => 400,
        _ => 200,
    };

    /// <summary>
    /// The <c>error.code</c> of a JSON-RPC answer, or null. A result is known at its member's name, before its value:
    /// the members in front of it (<c>jsonrpc</c>, <c>id</c>) are small, so an answer costs a few tokens, not a parse.
    /// </summary>
    private static int? ErrorCodeOf(ReadOnlySpan<byte> answer)
    {
        try
        {
            var reader = new Utf8JsonReader(answer, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("result"u8))
                {
                    return null;
                }

                var isError = reader.ValueTextEquals("error"u8);
                reader.Read();
                if (isError)
                {
                    return reader.TokenType == JsonTokenType.StartObject ? CodeIn(ref reader) : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the guard writes only what it validated, so this is no error answer.
        }

        return null;
    }

    /// <summary>The <c>code</c> member of the error object the reader stands at.</summary>
    private static int? CodeIn(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCode = reader.ValueTextEquals("code"u8);
            reader.Read();
            if (isCode)
            {
                return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var code) ? code : null;
            }

            reader.Skip();
        }

        return null;
    }
}
