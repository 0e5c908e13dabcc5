using McpGuard.Home;

namespace McpGuard.ClientConfig;

/// <summary>
/// Where Claude Desktop keeps its config; Cursor (<c>~/.cursor/mcp.json</c>) and <c>.mcp.json</c> need <c>--config</c>.
/// </summary>
internal static class ClientConfigPaths
{
    public static string ClaudeDesktop() => ClaudeDesktop(
        OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macos" : "linux",
        Environment.GetEnvironmentVariable,
        UserHome.Path);

    public static string ClaudeDesktop(string platform, Func<string, string?> environment, string home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return platform switch
        {
            "macos" => Path.Combine(home, "Library", "Application Support", "Claude", "claude_desktop_config.json"),
            "windows" => Path.Combine(
                environment("APPDATA") is { Length: > 0 } appData ? appData : Path.Combine(home, "AppData", "Roaming"),
                "Claude", "claude_desktop_config.json"),
            // Electron's userData honours XDG_CONFIG_HOME, so the (unofficial) Linux builds do too.
            _ => Path.Combine(
                environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".config"),
                "Claude", "claude_desktop_config.json"),
        };
    }
}
