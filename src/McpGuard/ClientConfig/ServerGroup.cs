using System.Text.Json.Nodes;

namespace McpGuard.ClientConfig;

/// <summary>
/// One servers object of a client config: the file's own (<see cref="Project"/> null), or, in Claude Code's
/// <c>~/.claude.json</c>, one project's local-scope servers (<c>projects.DIR.mcpServers</c>, where
/// <c>claude mcp add</c> puts them), with the project's folder.
/// </summary>
internal sealed record ServerGroup(string? Project, JsonObject Servers)
{
    /// <summary>How the report names an entry: a project's entries say which project.</summary>
    public string Label(string name) => Project is null ? name : $"{name} (project {Project})";

    /// <summary>
    /// The servers objects of <paramref name="root"/>: <c>mcpServers</c> (or VS Code's <c>servers</c>), then each
    /// project's <c>mcpServers</c> under Claude Code's <c>projects</c>.
    /// </summary>
    public static IReadOnlyList<ServerGroup> Of(JsonObject root)
    {
        var groups = new List<ServerGroup>();
        if (ClientConfigDocument.ServerKeys.FirstOrDefault(key => root[key] is JsonObject) is { } key)
        {
            groups.Add(new ServerGroup(null, (JsonObject)root[key]!));
        }

        if (root["projects"] is JsonObject projects)
        {
            foreach (var (folder, project) in projects)
            {
                if (project is JsonObject fields && fields["mcpServers"] is JsonObject servers)
                {
                    groups.Add(new ServerGroup(folder, servers));
                }
            }
        }

        return groups;
    }
}
