namespace McpGuard.Cli;

/// <summary>
/// A short name for the guarded server, for logs, the audit log and approval prompts: the script or package a launcher
/// runs (<c>python bybit_mcp.py</c> → bybit_mcp, <c>npx -y @scope/server-x</c> → server-x), else the command.
/// </summary>
internal static class ServerName
{
    private static readonly HashSet<string> s_launchers = new(StringComparer.OrdinalIgnoreCase)
    {
        "python", "python3", "node", "npx", "uvx", "uv", "dotnet", "deno", "bun", "bunx", "pipx", "java", "docker",
    };

    public static string FromCommandLine(IReadOnlyList<string> commandLine)
    {
        var command = Path.GetFileNameWithoutExtension(commandLine[0]);
        if (!s_launchers.Contains(command))
        {
            return command;
        }

        var target = commandLine.Skip(1)
            .FirstOrDefault(a => !a.StartsWith('-') && a is not "run" and not "exec" and not "tool");
        if (target is null)
        {
            return command;
        }

        // node path/to/server-x/dist/index.js → server-x: entry files and build folders say nothing.
        var parts = target.Split('/', '\\').Where(p => p.Length > 0).ToList();
        while (parts.Count > 1 && Path.GetFileNameWithoutExtension(parts[^1])
            is "index" or "main" or "server" or "dist" or "build" or "lib" or "src" or "bin")
        {
            parts.RemoveAt(parts.Count - 1);
        }

        var name = parts[^1];
        var version = name.IndexOf('@', 1);
        return Path.GetFileNameWithoutExtension(version > 0 ? name[..version] : name);
    }
}
