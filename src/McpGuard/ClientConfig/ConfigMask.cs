using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGuard.ClientConfig;

/// <summary>
/// What a dry run may print of a config: every member of an object under an <c>env</c> or <c>headers</c> key (API
/// keys and tokens) shown as <c>"…"</c>. <see cref="Text"/> masks the file's own text, keeping every other byte, and
/// <see cref="Document"/> masks a parsed one by the same rule, so the two can be diffed line by line.
/// </summary>
internal static class ConfigMask
{
    private const string Mask = "\"…\"";

    public static ClientConfigDocument Document(ClientConfigDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.Root.DeepClone().AsObject();
        MaskNode(root);
        return document with { Root = root, Groups = ServerGroup.Of(root) };
    }

    /// <summary>The text with the masked values replaced in place; text that does not parse comes back as it is.
    /// </summary>
    public static string Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var spans = new List<(long Start, long End)>();
        try
        {
            var reader = new Utf8JsonReader(bytes);
            var masked = new Stack<bool>();
            var property = "";
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when masked.Count > 0 && masked.Peek():
                        reader.Read();
                        var start = reader.TokenStartIndex;
                        reader.Skip();
                        spans.Add((start, reader.BytesConsumed));
                        break;
                    case JsonTokenType.PropertyName:
                        property = reader.GetString() ?? "";
                        break;
                    case JsonTokenType.StartObject:
                        masked.Push(property is "env" or "headers");
                        property = "";
                        break;
                    case JsonTokenType.StartArray:
                        masked.Push(false);
                        property = "";
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        masked.Pop();
                        break;
                    default:
                        property = "";
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        long at = 0;
        foreach (var (start, end) in spans)
        {
            result.Append(Encoding.UTF8.GetString(bytes, (int)at, (int)(start - at))).Append(Mask);
            at = end;
        }

        return result.Append(Encoding.UTF8.GetString(bytes, (int)at, bytes.Length - (int)at)).ToString();
    }

    private static void MaskNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject fields:
                foreach (var (name, value) in fields.ToList())
                {
                    if (name is "env" or "headers" && value is JsonObject secrets)
                    {
                        foreach (var key in secrets.Select(pair => pair.Key).ToList())
                        {
                            secrets[key] = "…";
                        }
                    }
                    else
                    {
                        MaskNode(value);
                    }
                }
                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    MaskNode(item);
                }
                break;
        }
    }
}
