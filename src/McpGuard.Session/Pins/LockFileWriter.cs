using System.Globalization;
using System.Text;
using System.Text.Json;
using McpGuard.Policy.Pins;

namespace McpGuard.Pins;

/// <summary>
/// Writes a lock file (docs/pins.md#the-lock-file) so that it reads well in a review and diffs well in git:
/// tools sorted by name, each definition in its canonical member order, two-space indents, one member per line,
/// and every character that could hide or reorder text on a reviewer's screen (controls, bidi overrides,
/// zero-width and other format characters, line separators) written as a <c>\uXXXX</c> escape.
/// </summary>
internal static class LockFileWriter
{
    public static string Write(IEnumerable<PinnedTool> tools)
    {
        var text = new StringBuilder();
        text.Append("{\n  \"version\": ")
            .Append(LockFileReader.Version.ToString(CultureInfo.InvariantCulture))
            .Append(",\n  \"tools\": [");
        var first = true;
        foreach (var tool in tools.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            text.Append(first ? "\n" : ",\n");
            first = false;
            text.Append("    {\n      \"name\": ").Append(Quote(tool.Name))
                .Append(",\n      \"sha256\": ").Append(Quote(tool.Sha256))
                .Append(",\n      \"definition\": ");
            WriteValue(text, tool.Definition, 6);
            text.Append("\n    }");
        }

        text.Append(first ? "]\n}\n" : "\n  ]\n}\n");
        return text.ToString();
    }

    private static void WriteValue(StringBuilder text, JsonElement value, int indent)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.EnumerateObject().Any():
                text.Append('{');
                var firstMember = true;
                foreach (var member in value.EnumerateObject())
                {
                    text.Append(firstMember ? "\n" : ",\n").Append(' ', indent + 2)
                        .Append(Quote(member.Name)).Append(": ");
                    firstMember = false;
                    WriteValue(text, member.Value, indent + 2);
                }

                text.Append('\n').Append(' ', indent).Append('}');
                break;
            case JsonValueKind.Array when value.GetArrayLength() > 0:
                text.Append('[');
                var firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    text.Append(firstItem ? "\n" : ",\n").Append(' ', indent + 2);
                    firstItem = false;
                    WriteValue(text, item, indent + 2);
                }

                text.Append('\n').Append(' ', indent).Append(']');
                break;
            case JsonValueKind.String:
                text.Append(Quote(value.GetString()!));
                break;
            default:
                // Objects and arrays here are empty; numbers are already in their RFC 8785 form (the definition was
                // parsed from it).
                text.Append(value.GetRawText());
                break;
        }
    }

    /// <summary>
    /// A JSON string literal with the RFC 8785 escapes, plus <c>\uXXXX</c> for everything a screen could hide.
    /// </summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (IsHiding(value, i))
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }

    /// <summary>
    /// A character that hides or reorders text on a reviewer's screen. Unicode tags (U+E0000-U+E007F) are format
    /// characters outside the BMP: both halves of their surrogate pair are escaped.
    /// </summary>
    private static bool IsHiding(string value, int at)
    {
        var c = value[at];
        if (char.IsSurrogate(c))
        {
            var pairAt = char.IsLowSurrogate(c) ? at - 1 : at;
            return pairAt < 0 || pairAt + 1 >= value.Length || !char.IsSurrogatePair(value[pairAt], value[pairAt + 1])
                || CharUnicodeInfo.GetUnicodeCategory(value, pairAt)
                    is UnicodeCategory.Format or UnicodeCategory.PrivateUse;
        }

        return char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c)
            is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse;
    }
}
