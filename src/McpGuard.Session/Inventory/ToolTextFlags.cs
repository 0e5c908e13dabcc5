using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpGuard.Inventory;

/// <summary>
/// Flags tool definitions whose text carries invisible characters or instructions addressed to the model (tool
/// poisoning). Every string of the definition is read (description, title, schemas, annotations), except _meta.
/// Pinning catches a change; this reads the text itself, so a poisoned tool is flagged the first time it is seen.
/// </summary>
internal static class ToolTextFlags
{
    // Phrases a tool has no reason to say to a person, compiled NonBacktracking (the text is the server's).
    private static readonly (string Why, Regex Pattern)[] s_addressedToModel =
    [
        ("tells the model to ignore its instructions",
            Phrase(@"\b(ignore|disregard|forget)\s+(all\s+|any\s+)?(the\s+|your\s+)?"
                + @"(previous|prior|above|earlier|other)\s+(instructions|messages|prompts|rules)")),
        ("has an <IMPORTANT>-style block for the model",
            Phrase(@"<\s*/?\s*(important|system|instructions?|secret|hidden)\s*>")),
        ("tells the model to keep something from the user",
            Phrase(@"\b(do\s+not|don't|never)\s+(tell|inform|mention|reveal|show|alert)\b[^.\n]{0,40}"
                + @"\b(user|human|person)")),
        ("tells the model to read local files",
            // Sending or uploading a file reads it as surely as opening it.
            Phrase(@"\b(read|open|cat|load|include|attach|pass|copy|send|post|upload|forward|exfiltrate|transmit|"
                + @"leak)\b[^\n]{0,80}"
                + @"(~/\.ssh|\bid_(rsa|ed25519|ecdsa)\b|\.env\b|\.aws/credentials|/etc/(passwd|shadow)|mcp\.json|"
                + @"claude_desktop_config|\.cursor/)")),
        ("tells the model to act before it answers",
            // "before answering, also call place_order": a step the user never asked for, slipped in ahead of the
            // answer. A verb must follow within the sentence ("may time out before answering." is not one).
            Phrase(@"\bbefore\s+(you\s+)?(answer|respond|reply)(ing)?\b[^.\n]{0,40}"
                + @"\b(call|invoke|use|run|execute|read|send|fetch|place|buy|sell|transfer)\b")),
        ("tells the model to send data elsewhere",
            // Within one sentence: a dot followed by a space or the end ends it, a dot in a path or a host name not.
            Phrase(@"\b(send|post|upload|forward|exfiltrate|transmit|leak)\b([^.\n]|\.[^\s.]){0,60}"
                + @"(https?://|\bto\s+(this|the\s+following|an?\s+external)\s+(url|endpoint|server|address|email))")),
    ];

    public static IReadOnlyList<ToolTextFlag> Find(IEnumerable<ServerTool> tools) => [.. tools.SelectMany(Find)];

    public static IEnumerable<ToolTextFlag> Find(ServerTool tool)
    {
        var flags = new List<ToolTextFlag>();
        Walk(tool.Name, tool.Definition, "", flags);
        return flags;
    }

    private static void Walk(string tool, JsonElement element, string path, List<ToolTextFlag> flags)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    if (path.Length == 0 && member.NameEquals("_meta"u8))
                    {
                        continue;
                    }

                    // A key is text the model reads too: a property's name is as much the schema as its description.
                    var where = path.Length == 0 ? Visible(member.Name) : $"{path}.{Visible(member.Name)}";
                    Check(tool, where + " (a key)", member.Name, flags);
                    Walk(tool, member.Value, where, flags);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(tool, item, $"{path}[{index++}]", flags);
                }

                break;
            case JsonValueKind.String:
                Check(tool, path, element.GetString()!, flags);
                break;
        }
    }

    private static string Characters(int count) => count == 1 ? "character" : "characters";

    private static void Check(string tool, string where, string text, List<ToolTextFlag> flags)
    {
        var (tags, zeroWidth, bidi, hidden) = Invisible(text);
        if (tags + zeroWidth + bidi > 0)
        {
            var parts = new List<string>();
            if (tags > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{tags} Unicode tag {Characters(tags)} (they spell \"{Shorten(hidden)}\")"));
            }

            if (zeroWidth > 0)
            {
                parts.Add(string.Create(
                    CultureInfo.InvariantCulture, $"{zeroWidth} zero-width {Characters(zeroWidth)}"));
            }

            if (bidi > 0)
            {
                parts.Add(string.Create(
                    CultureInfo.InvariantCulture, $"{bidi} bidi {(bidi == 1 ? "control" : "controls")}"));
            }

            flags.Add(new ToolTextFlag(
                tool,
                where,
                ToolTextFlagKind.InvisibleCharacters,
                "carries invisible characters: " + string.Join(", ", parts)));
        }

        // What a model reads: the visible text and what the tag characters spell.
        var readable = Visible(text) + " " + hidden;
        foreach (var (why, pattern) in s_addressedToModel)
        {
            if (pattern.Match(readable) is { Success: true } match)
            {
                flags.Add(new ToolTextFlag(
                    tool, where, ToolTextFlagKind.AddressedToModel, $"{why}: \"{Shorten(match.Value)}\""));
            }
        }
    }

    /// <summary>Counts the invisible characters; <c>hidden</c> is the ASCII text that tag characters spell.</summary>
    private static (int Tags, int ZeroWidth, int Bidi, string Hidden) Invisible(string text)
    {
        int tags = 0, zeroWidth = 0, bidi = 0;
        var hidden = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case >= 0xE0000 and <= 0xE007F:
                    tags++;
                    if (rune.Value is >= 0xE0020 and <= 0xE007E)
                    {
                        hidden.Append((char)(rune.Value - 0xE0000));
                    }

                    break;
                case var value when IsZeroWidth(value):
                    zeroWidth++;
                    break;
                case >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 or 0x200E or 0x200F or 0x061C:
                    bidi++;
                    break;
            }
        }

        return (tags, zeroWidth, bidi, hidden.ToString());
    }

    /// <summary>The text without its invisible characters.</summary>
    private static string Visible(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            // Variation selectors U+FE00-FE0F are left out of the flags (emoji carry them) but not out of the words.
            if (rune.Value is not (>= 0xE0000 and <= 0xE007F or >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069
                or 0x200E or 0x200F or 0x061C or >= 0xFE00 and <= 0xFE0F) && !IsZeroWidth(rune.Value))
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Characters that show nothing, so they can sit inside a word the model reads whole ("ig\u00ADnore previous
    /// instructions"): zero-width spaces and joiners, word joiner and invisible operators, BOM, soft hyphen, combining
    /// grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian selectors, and the variation selectors
    /// supplement (U+E0100-E01EF, which can spell hidden bytes after any character).
    /// </summary>
    private static bool IsZeroWidth(int value) => value is >= 0x200B and <= 0x200D or >= 0x2060 and <= 0x2064
        or 0xFEFF or 0x00AD or 0x034F or 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x17B4 or 0x17B5
        or >= 0x180B and <= 0x180F or >= 0xE0100 and <= 0xE01EF;

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private static Regex Phrase(string pattern) =>
        new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}
