using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>Tells a message's top-level members apart (<see cref="JsonRpcMember"/>).</summary>
internal static class JsonRpcMembers
{
    /// <summary>The member whose name the reader is on (a <see cref="JsonTokenType.PropertyName"/>).</summary>
    public static JsonRpcMember Of(ref Utf8JsonReader reader) =>
        reader.HasValueSequence || reader.ValueIsEscaped ? Decoded(reader.GetString()!) : Named(reader.ValueSpan);

    /// <summary>The member a property of a parsed message is.</summary>
    public static JsonRpcMember Of(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return raw.Contains((byte)'\\') ? Decoded(property.Name) : Named(raw);
    }

    /// <summary>
    /// A name written with escapes (<c>"i\u0064"</c>), decoded: rare, so it may allocate, and it still counts as the
    /// member it spells.
    /// </summary>
    private static JsonRpcMember Decoded(string name) => Named(Encoding.UTF8.GetBytes(name));

    /// <summary>The member an unescaped name (its UTF-8 bytes, without quotes) names.</summary>
    private static JsonRpcMember Named(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("id"u8) => JsonRpcMember.Id,
        5 when name.SequenceEqual("error"u8) => JsonRpcMember.Error,
        6 when name.SequenceEqual("method"u8) => JsonRpcMember.Method,
        6 when name.SequenceEqual("params"u8) => JsonRpcMember.Params,
        6 when name.SequenceEqual("result"u8) => JsonRpcMember.Result,
        7 when name.SequenceEqual("jsonrpc"u8) => JsonRpcMember.Version,
        _ => JsonRpcMember.Other,
    };
}
