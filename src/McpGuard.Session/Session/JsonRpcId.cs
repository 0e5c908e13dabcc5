using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// A JSON-RPC id as it appeared on the wire. <see cref="Key"/> identifies it (<c>"7"</c> and <c>7</c> differ;
/// <c>"\u0037"</c> and <c>"7"</c> do not), and <see cref="Raw"/> holds its exact bytes so echoes keep type and digits.
/// </summary>
internal readonly record struct JsonRpcId
{
    /// <summary>The exact bytes, or null for an integer whose bytes are its key's digits (<see cref="Raw"/>).</summary>
    private readonly byte[]? _raw;

    public JsonRpcId(string key, byte[] raw)
    {
        Key = key;
        _raw = raw;
    }

    /// <summary>An integer id written as its key's digits: its bytes are made only when asked for.</summary>
    private JsonRpcId(string numberKey)
    {
        Key = numberKey;
    }

    public string Key { get; }

    /// <summary>
    /// The id's exact bytes. An integer's are its key's digits after <c>n:</c> (a number token is ASCII), so they are
    /// kept only where they differ (<c>-0</c>) and made when an echo needs them: every request and answer has an id,
    /// and a copy of its bytes per id was an array per message on each pump (bench/README.md, issue 27).
    /// </summary>
    public byte[] Raw => _raw ?? Digits(Key);

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
        JsonValueKind.Number when JsonMarshal.GetRawUtf8Value(element) is var raw && IsInteger(raw) => Number(raw),
        _ => null,
    };

    /// <summary>The id under the reader's current token; <paramref name="raw"/> is that token's exact bytes.</summary>
    public static JsonRpcId? FromToken(ref Utf8JsonReader reader, ReadOnlySpan<byte> raw) => reader.TokenType switch
    {
        JsonTokenType.String => new JsonRpcId("s:" + reader.GetString(), raw.ToArray()),
        JsonTokenType.Number when IsInteger(raw) => Number(raw),
        _ => null,
    };

    /// <summary>An integer id: its key, and its bytes only when they are not the key's digits (<c>-0</c>).</summary>
    private static JsonRpcId Number(ReadOnlySpan<byte> raw)
    {
        // -0 is the integer 0, and a server answers it as 0: the answer must find the request.
        return raw.SequenceEqual("-0"u8)
            ? new JsonRpcId(NumberKey("0"u8), raw.ToArray())
            : new JsonRpcId(NumberKey(raw));
    }

    /// <summary>
    /// <c>n:</c> and a number's text in one string: a number token is ASCII, so each byte is its char (decoding it and
    /// then concatenating made two strings per id, and every request and answer has one).
    /// </summary>
    private static string NumberKey(ReadOnlySpan<byte> raw)
    {
        Span<char> key = raw.Length <= 64 ? stackalloc char[raw.Length + 2] : new char[raw.Length + 2];
        key[0] = 'n';
        key[1] = ':';
        for (var i = 0; i < raw.Length; i++)
        {
            key[i + 2] = (char)raw[i];
        }

        return new string(key);
    }

    /// <summary>An integer's bytes from its key: the ASCII digits after <c>n:</c>.</summary>
    private static byte[] Digits(string numberKey)
    {
        var digits = new byte[numberKey.Length - 2];
        WriteDigits(numberKey, digits);
        return digits;
    }

    private static void WriteDigits(string numberKey, Span<byte> digits)
    {
        for (var i = 0; i < digits.Length; i++)
        {
            digits[i] = (byte)numberKey[i + 2];
        }
    }

    /// <summary>JSON-RPC ids may be integers; <c>1.0</c> and <c>1e3</c> are numbers but not integers.</summary>
    public static bool IsInteger(ReadOnlySpan<byte> text) =>
        !text.IsEmpty && !text.ContainsAny((byte)'.', (byte)'e', (byte)'E');

    /// <summary>The id as a JSON value (for the audit log, which writes it verbatim).</summary>
    public JsonElement ToJsonElement()
    {
        if (_raw is not null)
        {
            return JsonElement.Parse(_raw);
        }

        // An integer's digits, written where they are read: the audit writes an id per record.
        Span<byte> digits = Key.Length <= 66 ? stackalloc byte[Key.Length - 2] : new byte[Key.Length - 2];
        WriteDigits(Key, digits);
        return JsonElement.Parse(digits);
    }

    public override string ToString() => _raw is null ? Key[2..] : Encoding.UTF8.GetString(_raw);
}
