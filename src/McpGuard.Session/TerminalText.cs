using System.Globalization;
using System.Text;

namespace McpGuard;

/// <summary>
/// Text from logs and configs is untrusted: a tool name may carry escape sequences or bidi overrides that
/// rewrite what a terminal shows, or invisible characters that make two names look alike. Such characters are
/// shown as <c>\uXXXX</c> instead.
/// </summary>
// In the root namespace on purpose: every folder that prints (the CLI, the session's drift reports, the desk, doctor)
// must use this one sanitiser, and no folder may have to depend on the CLI to reach it.
internal static class TerminalText
{
    /// <summary>
    /// The first line of <paramref name="text"/>, printable: for one-line reports of multi-line errors.
    /// </summary>
    public static string FirstLine(string? text)
    {
        var line = text ?? "";
        var end = line.AsSpan().IndexOfAny('\r', '\n');
        return Printable(end < 0 ? line : line[..end]);
    }

    public static string Printable(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        StringBuilder? builder = null;
        for (var i = 0; i < text.Length;)
        {
            var hidden = HiddenLength(text, i);
            if (hidden == 0)
            {
                builder?.Append(text[i]);
                i++;
                continue;
            }

            builder ??= new StringBuilder(text, 0, i, text.Length + 16);
            for (var end = i + hidden; i < end; i++)
            {
                builder.Append("\\u").Append(((int)text[i]).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return builder?.ToString() ?? text;
    }

    /// <summary>A character a terminal acts on rather than shows: controls, bidi overrides, line separators.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c)
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u2028' or '\u2029';

    /// <summary>
    /// How many UTF-16 units at <paramref name="at"/> must be shown as escapes (0: none). Besides what
    /// <see cref="IsUnsafe"/> names, a format character (Unicode category Cf: zero-width spaces and joiners, bidi
    /// marks, the soft hyphen, Unicode tags U+E0000-U+E007F) shows as nothing, so <c>place_order</c> and
    /// <c>place_order</c> + U+200B would look alike in an inventory and a pin diff would hide what changed; a lone
    /// surrogate would print as U+FFFD, hiding which one it was.
    /// </summary>
    public static int HiddenLength(string text, int at)
    {
        var c = text[at];
        if (char.IsHighSurrogate(c) && at + 1 < text.Length && char.IsLowSurrogate(text[at + 1]))
        {
            return CharUnicodeInfo.GetUnicodeCategory(text, at) == UnicodeCategory.Format ? 2 : 0;
        }

        // The low half of a pair judged visible at its high half (an emoji): part of that character, not a lone one.
        if (char.IsLowSurrogate(c) && at > 0 && char.IsHighSurrogate(text[at - 1]))
        {
            return 0;
        }

        return IsUnsafe(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format
            ? 1
            : 0;
    }
}
