using McpGuard.ClientConfig;

namespace McpGuard.Doctor;

/// <summary>Where the clients doctor knows keep their MCP servers, for this user and the current folder.</summary>
internal static class ClientConfigLocations
{
    public static IReadOnlyList<(string Client, string Path)> All(
        string home, string currentDirectory, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var userConfig = OperatingSystem.IsMacOS() ? Path.Combine(home, "Library", "Application Support")
            : OperatingSystem.IsWindows() ? ClientConfigPaths.AppData(environment, home)
            : ClientConfigPaths.XdgConfigHome(environment, home);
        return
        [
            ("Claude Desktop", ClientConfigPaths.ClaudeDesktop()),
            ("Claude Code", Path.Combine(home, ".claude.json")),
            ("Claude Code (project)", Path.Combine(currentDirectory, ".mcp.json")),
            ("Cursor", Path.Combine(home, ".cursor", "mcp.json")),
            ("Cursor (project)", Path.Combine(currentDirectory, ".cursor", "mcp.json")),
            ("VS Code", Path.Combine(userConfig, "Code", "User", "mcp.json")),
            ("VS Code (workspace)", Path.Combine(currentDirectory, ".vscode", "mcp.json")),
        ];
    }
}
