using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace McpGuard.Policy.Json;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785), the one canonical form the guard hashes: tool definitions in a
/// lock file (docs/pins.md) and arguments in the audit's "hash" mode (docs/audit.md). UTF-8, no whitespace,
/// object members sorted by name comparing UTF-16 code units, array order kept, strings with the minimal
/// escapes of ECMAScript's <c>JSON.stringify</c>, numbers as ECMAScript prints the IEEE 754 double they denote
/// (<c>1.0</c>, <c>1e0</c> and <c>1</c> are all <c>1</c>).
/// </summary>
/// <remarks>
/// RFC 8785 covers I-JSON only: a number outside the double range (<c>1e400</c>), a string or name escaping a
/// lone surrogate (<c>"\ud800"</c>) and duplicate member names have no canonical form, so they are refused
/// rather than given one that another implementation would not produce.
/// </remarks>
internal static class CanonicalJson
{
    /// <summary>The canonical UTF-8 bytes, or why the value has none (with the JSON path of the culprit).</summary>
    public static bool TryEncode(
        JsonElement element, [NotNullWhen(true)] out byte[]? utf8, [NotNullWhen(false)] out string? problem)
    {
        var output = new ArrayBufferWriter<byte>(256);
        problem = Write(output, element, "$");
        utf8 = problem is null ? output.WrittenSpan.ToArray() : null;
        return problem is null;
    }

    /// <returns>Null when written; else the problem, after which the output is incomplete.</returns>
    private static string? Write(ArrayBufferWriter<byte> output, JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<(string Name, JsonElement Value)>();
                foreach (var property in element.EnumerateObject())
                {
                    if (!TryGetName(property, out var name))
                    {
                        return $"{path}: a member name escapes a lone surrogate";
                    }

                    members.Add((name, property.Value));
                }

                members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                output.Write("{"u8);
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        if (string.Equals(members[i - 1].Name, members[i].Name, StringComparison.Ordinal))
                        {
                            return $"{path}: the member name '{members[i].Name}' is written twice";
                        }

                        output.Write(","u8);
                    }

                    WriteString(output, members[i].Name);
                    output.Write(":"u8);
                    if (Write(output, members[i].Value, $"{path}.{members[i].Name}") is { } inner)
                    {
                        return inner;
                    }
                }

                output.Write("}"u8);
                return null;
            case JsonValueKind.Array:
                output.Write("["u8);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index > 0)
                    {
                        output.Write(","u8);
                    }

                    if (Write(output, item, $"{path}[{index++}]") is { } inner)
                    {
                        return inner;
                    }
                }

                output.Write("]"u8);
                return null;
            case JsonValueKind.String:
                if (JsonText.TryGetString(element) is not { } text)
                {
                    return $"{path}: the string escapes a lone surrogate";
                }

                WriteString(output, text);
                return null;
            case JsonValueKind.Number:
                if (!element.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    return $"{path}: the number {element.GetRawText()} is outside the range of a double";
                }

                output.Write(Encoding.UTF8.GetBytes(EcmaScriptNumber.Format(number)));
                return null;
            case JsonValueKind.True:
                output.Write("true"u8);
                return null;
            case JsonValueKind.False:
                output.Write("false"u8);
                return null;
            default:
                output.Write("null"u8);
                return null;
        }
    }

    private static bool TryGetName(JsonProperty property, [NotNullWhen(true)] out string? name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = null;
            return false;
        }
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }

        builder.Append('"');
        output.Write(Encoding.UTF8.GetBytes(builder.ToString()));
    }
}
