using System.Globalization;
using System.Text;

namespace McpGuard.Telemetry;

/// <summary>The Prometheus text format's lines, labels and numbers, for <see cref="PrometheusMetrics"/>.</summary>
internal static class PrometheusText
{
    /// <summary>The labels sorted by name, dots as underscores, values escaped; null values left out.</summary>
    public static string Labels(IReadOnlyList<string> names, LabelValues values)
    {
        var text = new StringBuilder();
        foreach (var i in Enumerable.Range(0, names.Count).OrderBy(i => names[i], StringComparer.Ordinal))
        {
            if (values[i] is { } value)
            {
                text.Append(text.Length == 0 ? "" : ",").Append(names[i].Replace('.', '_')).Append("=\"");
                AppendEscaped(text, value);
                text.Append('"');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Label values are data (tool names come from the server): backslash, quote, newline escaped as the format
    /// says. The format has no escape for other controls, and a scrape is read in terminals too (curl), so what
    /// every command shows as the text <c>\uXXXX</c> is written so here too: an escape sequence, a bidi override, a
    /// zero-width or other format character, a Unicode tag (as its two UTF-16 halves), a lone surrogate.
    /// </summary>
    private static void AppendEscaped(StringBuilder text, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '\\' or '"' or '\n')
            {
                text.Append(c switch { '\\' => @"\\", '"' => "\\\"", _ => @"\n" });
                continue;
            }

            var hidden = TerminalText.HiddenLength(value, i);
            if (hidden == 0)
            {
                text.Append(c);
                continue;
            }

            foreach (var unit in value.AsSpan(i, hidden))
            {
                text.Append(@"\\u").Append(((int)unit).ToString("X4", CultureInfo.InvariantCulture));
            }

            i += hidden - 1;
        }
    }

    public static string Join(string labels, string label) => labels.Length == 0 ? label : labels + "," + label;

    public static void Line(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
