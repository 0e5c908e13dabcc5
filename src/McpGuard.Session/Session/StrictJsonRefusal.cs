using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// Why JSON that parses was refused by the strict rules (docs/relay.md#client--server-strict-checks): a duplicate key
/// (compared after unescaping, at any depth) or nesting deeper than the limit, whichever comes first, and where. The
/// parser says neither for a duplicate (its exception has no position), so the text is read again here: only for a
/// message that is refused anyway.
/// </summary>
internal static class StrictJsonRefusal
{
    /// <summary>
    /// <c>a duplicate key "NAME" at line L, column C</c> or <c>nesting deeper than N levels at line L, column C</c>
    /// (both 1-based, the column in characters); null when the text breaks neither rule or is not JSON at all.
    /// </summary>
    /// <param name="quoteName">Whether the duplicate's name may be quoted: it is the sender's own text, so it is
    /// shown escaped (control and bidi characters as <c>\uXXXX</c>) and only where the sender reads it.</param>
    public static string? Describe(ReadOnlySpan<byte> json, int maxDepth, bool quoteName = false)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = Math.Max(1024, maxDepth + 1) });
        var names = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth >= maxDepth:
                        return $"nesting deeper than {maxDepth} levels at {Position(json, reader.TokenStartIndex)}";
                    case JsonTokenType.StartObject:
                        names.Push(null);
                        break;
                    case JsonTokenType.StartArray:
                        break;
                    case JsonTokenType.EndObject:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        var seen = names.Pop() ?? new HashSet<string>(StringComparer.Ordinal);
                        names.Push(seen);
                        if (!seen.Add(name))
                        {
                            var quoted = quoteName ? $" \"{TerminalText.Printable(name)}\"" : "";
                            return $"a duplicate key{quoted} at {Position(json, reader.TokenStartIndex)}";
                        }

                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }

        return null;
    }

    /// <summary>Line and column of a byte offset, both 1-based; the column counts characters, not bytes.</summary>
    private static string Position(ReadOnlySpan<byte> json, long offset)
    {
        var before = json[..(int)offset];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        var line = before.Count((byte)'\n') + 1;
        var column = 1;
        foreach (var b in before[lineStart..])
        {
            // Every byte but a UTF-8 continuation byte starts a character.
            column += (b & 0xC0) == 0x80 ? 0 : 1;
        }

        return $"line {line}, column {column}";
    }
}
