using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGuard.ClientConfig;

/// <summary>
/// Writes an edited config over the text it was read from: only what changed in the server entries is written anew
/// (in the file's indent and line ending; see <see cref="EntryText"/>), and every other byte stays as it was — the
/// other entries as the user laid them out (arguments on one line, escapes, spacing) and every key wrap does not
/// touch (Claude Code's <c>~/.claude.json</c> holds much else). So <c>unwrap</c> gives back a hand-written file, and
/// a dry run's diff is what is written. When the entries cannot be matched with the text, the whole tree is written.
/// </summary>
internal static class ClientConfigSplice
{
    private const string ProjectsKey = "projects";

    public static string Write(string original, ClientConfigDocument edited)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(edited);
        if (!ClientConfigDocument.TryParse(original, out var before, out _)
            || !SameEntries(before.Groups, edited.Groups))
        {
            return edited.Write();
        }

        var bytes = Encoding.UTF8.GetBytes(original);
        var spans = EntrySpans(bytes);
        var topKey = ClientConfigDocument.ServerKeys.FirstOrDefault(key => before.Root[key] is JsonObject);
        var edits = new List<(int Start, int End, string Text)>();
        for (var index = 0; index < edited.Groups.Count; index++)
        {
            var group = edited.Groups[index];
            var groupKey = group.Project is null ? topKey : ProjectsKey + "/" + group.Project;
            foreach (var (name, node) in group.Servers)
            {
                if (JsonNode.DeepEquals(before.Groups[index].Servers[name], node))
                {
                    continue;
                }

                if (groupKey is null || !spans.TryGetValue((groupKey, name), out var span))
                {
                    return edited.Write();
                }

                var entry = EntryText(edited.Format, bytes, span, before.Groups[index].Servers[name], node);
                edits.Add((span.Start, span.End, entry));
            }
        }

        var text = new StringBuilder(original.Length + 1024);
        var at = 0;
        foreach (var (start, end, replacement) in edits.OrderBy(edit => edit.Start))
        {
            text.Append(Encoding.UTF8.GetString(bytes, at, start - at)).Append(replacement);
            at = end;
        }

        var spliced = text.Append(Encoding.UTF8.GetString(bytes, at, bytes.Length - at)).ToString();

        // An edit outside the entries (none today) would be lost by the splice: then the whole tree is written.
        return ClientConfigDocument.TryParse(spliced, out var check, out _)
            && JsonNode.DeepEquals(check.Root, edited.Root)
            ? spliced
            : edited.Write();
    }

    private static bool SameEntries(IReadOnlyList<ServerGroup> before, IReadOnlyList<ServerGroup> after) =>
        before.Count == after.Count
        && before.Zip(after).All(pair => pair.First.Project == pair.Second.Project
            && pair.First.Servers.Select(entry => entry.Key)
                .SequenceEqual(pair.Second.Servers.Select(entry => entry.Key), StringComparer.Ordinal));

    /// <summary>
    /// Where each entry's value is in the UTF-8 text, keyed by its servers object (<c>mcpServers</c>, <c>servers</c>,
    /// or <c>projects/DIR</c>) and its name. The text parsed strictly before, so it has no comments or duplicates.
    /// </summary>
    private static Dictionary<(string Group, string Name), (int Start, int End)> EntrySpans(byte[] bytes)
    {
        var spans = new Dictionary<(string, string), (int, int)>();
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject && ClientConfigDocument.ServerKeys.Contains(key))
            {
                ReadServers(ref reader, key, spans);
            }
            else if (reader.TokenType == JsonTokenType.StartObject && key == ProjectsKey)
            {
                ReadProjects(ref reader, spans);
            }
            else
            {
                reader.Skip();
            }
        }

        return spans;
    }

    private static void ReadProjects(
        ref Utf8JsonReader reader, Dictionary<(string, string), (int, int)> spans)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var folder = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject && key == "mcpServers")
                {
                    ReadServers(ref reader, ProjectsKey + "/" + folder, spans);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
    }

    private static void ReadServers(
        ref Utf8JsonReader reader, string group, Dictionary<(string, string), (int, int)> spans)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            spans[(group, name)] = (start, (int)reader.BytesConsumed);
        }
    }

    /// <summary>
    /// A changed entry's new text. When it has the same keys in the same order as before (wrap and unwrap of a stdio
    /// entry change only the values of <c>command</c> and <c>args</c>), only the changed values are written anew, and a
    /// value that was on one line (<c>"args": ["-y", "pkg"]</c>, as READMEs give it) stays on one line, spaced as it
    /// was, so unwrap gives the entry back byte for byte. Otherwise the whole entry, one element per line.
    /// </summary>
    private static string EntryText(
        ClientConfigFormat format, byte[] bytes, (int Start, int End) span, JsonNode? before, JsonNode? after)
    {
        if (format.OneLine is not null
            || before is not JsonObject old
            || after is not JsonObject updated
            || !old.Select(pair => pair.Key).SequenceEqual(updated.Select(pair => pair.Key), StringComparer.Ordinal)
            || !TryValueSpans(bytes, span, out var values))
        {
            return Indented(format, after, IndentOfLine(bytes, span.Start));
        }

        var text = new StringBuilder();
        var at = span.Start;
        foreach (var (key, value) in updated)
        {
            if (JsonNode.DeepEquals(old[key], value))
            {
                continue;
            }

            var (start, end) = values[key];
            var written = Encoding.UTF8.GetString(bytes, start, end - start);
            text.Append(Encoding.UTF8.GetString(bytes, at, start - at));
            text.Append(value is not null && OnOneLine(old[key], written)
                ? (format with { OneLine = OneLineStyle.Detect(written) }).WriteValue(value)
                : Indented(format, value, IndentOfLine(bytes, start)));
            at = end;
        }

        return text.Append(Encoding.UTF8.GetString(bytes, at, span.End - at)).ToString();
    }

    /// <summary>A non-empty array or object written on one line: the user's layout, which is kept.</summary>
    private static bool OnOneLine(JsonNode? value, string written) =>
        value is (JsonArray { Count: > 0 } or JsonObject { Count: > 0 }) && written.IndexOfAny(['\n', '\r']) < 0;

    /// <summary>Where the value of each key of the entry object at <paramref name="span"/> is in the text.</summary>
    private static bool TryValueSpans(
        byte[] bytes, (int Start, int End) span, out Dictionary<string, (int Start, int End)> values)
    {
        values = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes.AsSpan(span.Start, span.End - span.Start));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            var start = span.Start + (int)reader.TokenStartIndex;
            reader.Skip();
            values[key] = (start, span.Start + (int)reader.BytesConsumed);
        }

        return true;
    }

    /// <summary>The spaces and tabs that start the line holding <paramref name="at"/>.</summary>
    private static string IndentOfLine(byte[] bytes, int at)
    {
        var lineStart = Array.LastIndexOf(bytes, (byte)'\n', Math.Max(at - 1, 0)) + 1;
        var end = lineStart;
        while (end < at && bytes[end] is (byte)' ' or (byte)'\t')
        {
            end++;
        }

        return Encoding.ASCII.GetString(bytes, lineStart, end - lineStart);
    }

    private static string Indented(ClientConfigFormat format, JsonNode? node, string indent)
    {
        var written = node is null ? "null" : format.WriteValue(node);
        return written.Replace(format.NewLine, format.NewLine + indent, StringComparison.Ordinal);
    }
}
