using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGuard.ClientConfig;

/// <summary>
/// The layout of a config file as found (indent, line ending, final newline; or all of it on one line, with its
/// spacing), so a rewrite looks like it.
/// </summary>
internal sealed record ClientConfigFormat(char IndentCharacter, int IndentSize, string NewLine, bool FinalNewLine)
{
    private static readonly JavaScriptEncoder s_encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>
    /// Set when the whole JSON text is on one line (<c>.mcp.json</c> files written by a script or a README's
    /// one-liner): what is written anew stays on one line, spaced as the file is.
    /// </summary>
    public OneLineStyle? OneLine { get; init; }

    public static ClientConfigFormat Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var newLine = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var indentCharacter = ' ';
        var indentSize = 2;
        foreach (var line in text.Split('\n').Skip(1))
        {
            var indent = line.Length - line.TrimStart(' ', '\t').Length;
            if (indent > 0 && indent < line.TrimEnd('\r').Length)
            {
                indentCharacter = line[0];
                indentSize = Math.Min(indent, 127);
                break;
            }
        }

        var body = text.Trim();
        return new ClientConfigFormat(indentCharacter, indentSize, newLine, text.EndsWith('\n'))
        {
            OneLine = body.Length > 0 && body.IndexOfAny(['\n', '\r']) < 0 ? OneLineStyle.Detect(body) : null,
        };
    }

    public string Write(JsonNode root)
    {
        var text = WriteValue(root);
        return FinalNewLine ? text + NewLine : text;
    }

    /// <summary>One value in this layout, at the left margin, without a final line ending.</summary>
    public string WriteValue(JsonNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (OneLine is { } style)
        {
            var text = new StringBuilder();
            WriteOneLine(text, root, style);
            return text.ToString();
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            IndentCharacter = IndentCharacter,
            IndentSize = IndentSize,
            NewLine = NewLine,
            // Paths and non-ASCII names stay readable ("C:\\Program Files", "é"); the file is not embedded in HTML.
            Encoder = s_encoder,
        }))
        {
            root.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteOneLine(StringBuilder text, JsonNode? node, OneLineStyle style)
    {
        switch (node)
        {
            case JsonObject { Count: > 0 } members:
                text.Append(style.PadObjects ? "{ " : "{");
                var first = true;
                foreach (var (name, value) in members)
                {
                    text.Append(first ? "" : style.ItemSeparator).Append(Scalar(w => w.WriteStringValue(name)));
                    text.Append(style.KeySeparator);
                    WriteOneLine(text, value, style);
                    first = false;
                }

                text.Append(style.PadObjects ? " }" : "}");
                break;
            case JsonArray { Count: > 0 } items:
                text.Append(style.PadArrays ? "[ " : "[");
                for (var index = 0; index < items.Count; index++)
                {
                    text.Append(index == 0 ? "" : style.ItemSeparator);
                    WriteOneLine(text, items[index], style);
                }

                text.Append(style.PadArrays ? " ]" : "]");
                break;
            case JsonNode value:
                text.Append(Scalar(writer => value.WriteTo(writer)));
                break;
            default:
                text.Append("null");
                break;
        }
    }

    /// <summary>A string, number, literal or empty container, written as the indented writer would.</summary>
    private static string Scalar(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = s_encoder }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
