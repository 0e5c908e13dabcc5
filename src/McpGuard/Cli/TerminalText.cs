using System.Globalization;
using System.Text;

namespace McpGuard.Cli;

/// <summary>
/// Text from logs and configs is untrusted: a tool name may carry escape sequences or bidi overrides that
/// rewrite what a terminal shows. Such characters are shown as <c>\uXXXX</c> instead.
/// </summary>
internal static class TerminalText
{
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
            var unsafeChar = char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u2028' or '\u2029';
            if (unsafeChar)
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
}
