using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGuard.ClientConfig;

/// <summary>
/// A parsed client config: the whole JSON tree, its servers object, and how it was laid out. Claude Desktop,
/// Cursor and Claude Code keep servers under <c>mcpServers</c>; VS Code's <c>mcp.json</c> under <c>servers</c>.
/// </summary>
internal sealed record ClientConfigDocument(
    JsonObject Root, JsonObject Servers, string ServersKey, ClientConfigFormat Format)
{
    public static IReadOnlyList<string> ServerKeys { get; } = ["mcpServers", "servers"];

    /// <summary>
    /// Parses strictly (no comments, no trailing commas, no duplicate keys); an error names line and column.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ClientConfigDocument? document, out string error)
    {
        document = null;
        error = "";
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line
                ? $" at line {line + 1}, column {exception.BytePositionInLine + 1}"
                : "";
            error = $"is not valid JSON{where}: {FirstSentence(exception.Message)}";
            return false;
        }

        if (root is not JsonObject rootObject)
        {
            error = "is not a JSON object";
            return false;
        }

        if (ServerKeys.FirstOrDefault(key => rootObject[key] is JsonObject) is not { } serversKey)
        {
            error = "has no \"mcpServers\" object (Claude Desktop, Cursor, Claude Code) "
                + "or \"servers\" object (VS Code)";
            return false;
        }

        document = new ClientConfigDocument(
            rootObject, (JsonObject)rootObject[serversKey]!, serversKey, ClientConfigFormat.Detect(text));
        return true;
    }

    public string Write() => Format.Write(Root);

    /// <summary>
    /// The file as <see cref="Write"/> gives it, with every value under an entry's <c>env</c> and <c>headers</c>
    /// shown as <c>…</c>: what a dry run may print (those values are API keys and tokens).
    /// </summary>
    public string WriteMasked()
    {
        var root = Root.DeepClone().AsObject();
        foreach (var (_, entry) in root[ServersKey]!.AsObject())
        {
            foreach (var key in new[] { "env", "headers" })
            {
                if (entry is JsonObject fields && fields[key] is JsonObject values)
                {
                    foreach (var name in values.Select(pair => pair.Key).ToList())
                    {
                        values[name] = "…";
                    }
                }
            }
        }

        return Format.Write(root);
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends " Path: $ | LineNumber: 0 | BytePositionInLine: 7." and advice about reader options.
        foreach (var marker in new[] { " Path:", " LineNumber:", " Change the reader options" })
        {
            var end = message.IndexOf(marker, StringComparison.Ordinal);
            if (end > 0)
            {
                message = message[..end];
            }
        }

        return message.Trim().TrimEnd('.');
    }
}
