using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// A JSON-RPC id as it appeared on the wire. <see cref="Key"/> identifies it (<c>"7"</c> and <c>7</c> differ;
/// <c>"\u0037"</c> and <c>"7"</c> do not), and <see cref="Raw"/> holds its exact bytes so echoes keep type and digits.
/// </summary>
internal readonly record struct JsonRpcId(string Key, byte[] Raw)
{
    public static JsonRpcId FromString(string value)
    {
        // The writer escapes the way the serializer did (quotes, controls, non-ASCII) with no reflection.
        var raw = new ArrayBufferWriter<byte>(value.Length + 2);
        using (var writer = new Utf8JsonWriter(raw))
        {
            writer.WriteStringValue(value);
        }

        return new JsonRpcId("s:" + value, raw.WrittenSpan.ToArray());
    }

    /// <summary>The id of a parsed message, or null when it is absent or not a string or an integer.</summary>
    /// <remarks>Read from the document's own bytes (<see cref="JsonMarshal.GetRawUtf8Value"/>): no raw-text strings per
    /// request.</remarks>
    public static JsonRpcId? FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String =>
            new JsonRpcId("s:" + element.GetString(), JsonMarshal.GetRawUtf8Value(element).ToArray()),
        JsonValueKind.Number when JsonMarshal.GetRawUtf8Value(element) is var raw && IsInteger(raw) =>
            new JsonRpcId(NumberKey(raw), raw.ToArray()),
        _ => null,
    };

    /// <summary>The id under the reader's current token; <paramref name="raw"/> is that token's exact bytes.</summary>
    public static JsonRpcId? FromToken(ref Utf8JsonReader reader, ReadOnlySpan<byte> raw) => reader.TokenType switch
    {
        JsonTokenType.String => new JsonRpcId("s:" + reader.GetString(), raw.ToArray()),
        JsonTokenType.Number when IsInteger(raw) => new JsonRpcId(NumberKey(raw), raw.ToArray()),
        _ => null,
    };

    /// <summary>
    /// <c>n:</c> and a number's text in one string: a number token is ASCII, so each byte is its char (decoding it and
    /// then concatenating made two strings per id, and every request and answer has one).
    /// </summary>
    private static string NumberKey(ReadOnlySpan<byte> raw)
    {
        // -0 is the integer 0, and a server answers it as 0: the answer must find the request.
        if (raw.SequenceEqual("-0"u8))
        {
            raw = "0"u8;
        }

        Span<char> key = raw.Length <= 64 ? stackalloc char[raw.Length + 2] : new char[raw.Length + 2];
        key[0] = 'n';
        key[1] = ':';
        for (var i = 0; i < raw.Length; i++)
        {
            key[i + 2] = (char)raw[i];
        }

        return new string(key);
    }

    /// <summary>JSON-RPC ids may be integers; <c>1.0</c> and <c>1e3</c> are numbers but not integers.</summary>
    public static bool IsInteger(ReadOnlySpan<byte> text) =>
        !text.IsEmpty && !text.ContainsAny((byte)'.', (byte)'e', (byte)'E');

    /// <summary>The id as a JSON value (for the audit log, which writes it verbatim).</summary>
    public JsonElement ToJsonElement() => JsonElement.Parse(Raw);

    public override string ToString() => Encoding.UTF8.GetString(Raw);
}
