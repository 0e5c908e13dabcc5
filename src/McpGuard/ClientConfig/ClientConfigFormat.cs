using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGuard.ClientConfig;

/// <summary>
/// The layout of a config file as found (indent, line ending, final newline), so a rewrite looks like it.
/// </summary>
internal sealed record ClientConfigFormat(char IndentCharacter, int IndentSize, string NewLine, bool FinalNewLine)
{
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

        return new ClientConfigFormat(indentCharacter, indentSize, newLine, text.EndsWith('\n'));
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
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            IndentCharacter = IndentCharacter,
            IndentSize = IndentSize,
            NewLine = NewLine,
            // Paths and non-ASCII names stay readable ("C:\\Program Files", "é"); the file is not embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            root.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
