using System.Globalization;
using System.Text;

namespace McpGuard;

/// <summary>
/// Text from logs and configs is untrusted: a tool name may carry escape sequences or bidi overrides that
/// rewrite what a terminal shows. Such characters are shown as <c>\uXXXX</c> instead.
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
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnsafe(c))
            {
                builder ??= new StringBuilder(text, 0, i, text.Length + 16);
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? text;
    }

    /// <summary>A character a terminal acts on rather than shows: controls, bidi overrides, line separators.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c)
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u2028' or '\u2029';
}
