using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGuard.ClientConfig;

/// <summary>
/// A parsed client config: the whole JSON tree, its servers objects, and how it was laid out. Claude Desktop,
/// Cursor and Claude Code keep servers under <c>mcpServers</c>; VS Code's <c>mcp.json</c> under <c>servers</c>;
/// Claude Code's <c>~/.claude.json</c> also per project (<see cref="ServerGroup"/>).
/// </summary>
internal sealed record ClientConfigDocument(
    JsonObject Root, IReadOnlyList<ServerGroup> Groups, ClientConfigFormat Format)
{
    /// <summary>Every entry's name, in every group.</summary>
    public IEnumerable<string> Names => Groups.SelectMany(group => group.Servers.Select(pair => pair.Key));

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
            error = IsLenientJson(text)
                ? $"has comments or trailing commas (first at line {exception.LineNumber + 1}); its client allows "
                    + "them, but wrap and unwrap edit strict JSON only: remove them, or edit the entry by hand "
                    + "(docs/wrap.md)"
                : $"is not valid JSON{where}: {FirstSentence(exception.Message)}";
            return false;
        }

        if (root is not JsonObject rootObject)
        {
            error = "is not a JSON object";
            return false;
        }

        // Claude Code's ~/.claude.json has a projects object, and a top-level mcpServers only once a server was
        // added in the user scope: without any servers it is still the file Claude Code reads.
        var groups = ServerGroup.Of(rootObject);
        if (groups.Count == 0 && rootObject["projects"] is not JsonObject)
        {
            error = "has no \"mcpServers\" object (Claude Desktop, Cursor, Claude Code) "
                + "or \"servers\" object (VS Code)";
            return false;
        }

        document = new ClientConfigDocument(rootObject, groups, ClientConfigFormat.Detect(text));
        return true;
    }

    public string Write() => Format.Write(Root);

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

    /// <summary>JSON as VS Code and Cursor also accept it: comments and trailing commas.</summary>
    private static bool IsLenientJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
                AllowDuplicateProperties = false,
            });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
