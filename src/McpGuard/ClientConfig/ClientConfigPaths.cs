using McpGuard.Home;

namespace McpGuard.ClientConfig;

/// <summary>
/// Where Claude Desktop keeps its config; Cursor (<c>~/.cursor/mcp.json</c>) and <c>.mcp.json</c> need <c>--config</c>.
/// </summary>
internal static class ClientConfigPaths
{
    public const string XdgVariable = "XDG_CONFIG_HOME";

    public const string AppDataVariable = "APPDATA";

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
            "windows" => Path.Combine(AppData(environment, home), "Claude", "claude_desktop_config.json"),
            // Electron's userData honours XDG_CONFIG_HOME, so the (unofficial) Linux builds do too.
            _ => Path.Combine(XdgConfigHome(environment, home), "Claude", "claude_desktop_config.json"),
        };
    }

    /// <summary>
    /// <c>$XDG_CONFIG_HOME</c>, or <c>~/.config</c> when it is unset, empty or relative: the XDG Base Directory
    /// specification says a relative path in it is invalid and must be ignored (a relative one would also name a
    /// different folder for every working folder wrap and doctor run in). Doctor says when it ignores one.
    /// </summary>
    public static string XdgConfigHome(Func<string, string?> environment, string home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment(XdgVariable) is { Length: > 0 } xdg && Path.IsPathFullyQualified(xdg)
            ? xdg
            : Path.Combine(home, ".config");
    }

    /// <summary><c>%APPDATA%</c>, or <c>~\AppData\Roaming</c> when it is unset, empty or relative (as above).</summary>
    public static string AppData(Func<string, string?> environment, string home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment(AppDataVariable) is { Length: > 0 } appData && Path.IsPathFullyQualified(appData)
            ? appData
            : Path.Combine(home, "AppData", "Roaming");
    }

}
