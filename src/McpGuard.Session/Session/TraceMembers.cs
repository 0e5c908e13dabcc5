using System.Runtime.InteropServices;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The members of a request's parameters read on arrival, in one pass: the tool's <c>name</c> and <c>_meta</c> for
/// its spans, and a tools/call's <c>arguments</c> for the gate, which then reads neither name nor arguments again
/// (<see cref="ToolCall.TryRead(JsonElement, ToolCall?, out ToolCall, out string?)"/>). The last of a repeated
/// member counts, as it does for <see cref="JsonElement.TryGetProperty(ReadOnlySpan{byte}, out JsonElement)"/>. A
/// member's name is compared as its raw bytes: <see cref="JsonProperty.NameEquals(ReadOnlySpan{byte})"/> costs about
/// a hundred instructions a member (the document's row, its escape flag) where a length check and a byte compare
/// cost a few. Only a name long enough to be one of the three written with escapes (<c>\u006eame</c>: nine bytes at
/// least) and holding a backslash is compared the careful way.
/// </summary>
internal static class TraceMembers
{
    /// <summary>The shortest escaped spelling of any of the names: one <c>\uXXXX</c> and the other bytes.</summary>
    private const int ShortestEscaped = 9;

    public static void Read(
        JsonElement parameters, out JsonElement name, out JsonElement arguments, out JsonElement meta)
    {
        name = default;
        arguments = default;
        meta = default;
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var member in parameters.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(member);
            if (raw.SequenceEqual("name"u8))
            {
                name = member.Value;
            }
            else if (raw.SequenceEqual("arguments"u8))
            {
                arguments = member.Value;
            }
            else if (raw.SequenceEqual("_meta"u8))
            {
                meta = member.Value;
            }
            else if (Escaped(raw))
            {
                if (member.NameEquals("name"u8))
                {
                    name = member.Value;
                }
                else if (member.NameEquals("arguments"u8))
                {
                    arguments = member.Value;
                }
                else if (member.NameEquals("_meta"u8))
                {
                    meta = member.Value;
                }
            }
        }
    }

    /// <summary>
    /// Whether the raw name may spell <c>name</c>, <c>arguments</c> or <c>_meta</c> with escapes: long enough,
    /// starting with one of their first letters or an escape (most other names stop there), and holding a
    /// backslash. A plain loop: names are short, and the vectorised search's set-up cost more here.
    /// </summary>
    private static bool Escaped(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < ShortestEscaped || raw[0] is not ((byte)'\\' or (byte)'n' or (byte)'a' or (byte)'_'))
        {
            return false;
        }

        foreach (var b in raw)
        {
            if (b == (byte)'\\')
            {
                return true;
            }
        }

        return false;
    }
}
