using System.Runtime.InteropServices;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>Tells a message's top-level members apart (<see cref="JsonRpcMember"/>).</summary>
internal static class JsonRpcMembers
{
    /// <summary>The member whose name the reader is on (a <see cref="JsonTokenType.PropertyName"/>).</summary>
    public static JsonRpcMember Of(ref Utf8JsonReader reader)
    {
        var member = reader.HasValueSequence ? JsonRpcMember.Escaped : Of(reader.ValueSpan);
        return member != JsonRpcMember.Escaped ? member
            : reader.ValueTextEquals("jsonrpc"u8) ? JsonRpcMember.Version
            : reader.ValueTextEquals("id"u8) ? JsonRpcMember.Id
            : reader.ValueTextEquals("method"u8) ? JsonRpcMember.Method
            : reader.ValueTextEquals("params"u8) ? JsonRpcMember.Params
            : reader.ValueTextEquals("result"u8) ? JsonRpcMember.Result
            : reader.ValueTextEquals("error"u8) ? JsonRpcMember.Error
            : JsonRpcMember.Other;
    }

    /// <summary>The member a property of a parsed message is.</summary>
    public static JsonRpcMember Of(JsonProperty property)
    {
        var member = Of(JsonMarshal.GetRawUtf8PropertyName(property));
        return member != JsonRpcMember.Escaped ? member
            : property.NameEquals("jsonrpc"u8) ? JsonRpcMember.Version
            : property.NameEquals("id"u8) ? JsonRpcMember.Id
            : property.NameEquals("method"u8) ? JsonRpcMember.Method
            : property.NameEquals("params"u8) ? JsonRpcMember.Params
            : property.NameEquals("result"u8) ? JsonRpcMember.Result
            : property.NameEquals("error"u8) ? JsonRpcMember.Error
            : JsonRpcMember.Other;
    }

    /// <summary>
    /// The member a raw property name (its bytes as written, without quotes) names; <see
    /// cref="JsonRpcMember.Escaped"/> when it is written with escapes.
    /// </summary>
    public static JsonRpcMember Of(ReadOnlySpan<byte> raw)
    {
        if (raw.Contains((byte)'\\'))
        {
            return JsonRpcMember.Escaped;
        }

        return raw.Length switch
        {
            2 when raw.SequenceEqual("id"u8) => JsonRpcMember.Id,
            5 when raw.SequenceEqual("error"u8) => JsonRpcMember.Error,
            6 when raw.SequenceEqual("method"u8) => JsonRpcMember.Method,
            6 when raw.SequenceEqual("params"u8) => JsonRpcMember.Params,
            6 when raw.SequenceEqual("result"u8) => JsonRpcMember.Result,
            7 when raw.SequenceEqual("jsonrpc"u8) => JsonRpcMember.Version,
            _ => JsonRpcMember.Other,
        };
    }
}
