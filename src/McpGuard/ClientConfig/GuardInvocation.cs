namespace McpGuard.ClientConfig;

/// <summary>
/// The command a wrapped entry starts (docs/wrap.md): <c>--command</c> if given; else this very executable by
/// absolute path when it is the <c>mcpguard</c> apphost (the global tool shim or a build output); else, when
/// run as <c>dotnet mcpguard.dll</c>, the absolute <c>dotnet</c> with the absolute dll as its first argument.
/// Absolute paths because GUI clients such as Claude Desktop start servers without the shell's PATH.
/// The native tool's shim is a symbolic link into the versioned <c>.store</c> folder, and the process path is
/// the link's target; the shim is written instead, so the entry survives <c>dotnet tool update</c>.
/// </summary>
internal sealed record GuardInvocation(string Command, IReadOnlyList<string> PrefixArguments)
{
    public const string ToolName = "mcpguard";

    public static GuardInvocation Current(string? commandOverride)
    {
        if (!string.IsNullOrWhiteSpace(commandOverride))
        {
            return new GuardInvocation(commandOverride, []);
        }

        var processPath = Environment.ProcessPath;
        if (processPath is not null && IsGuardExecutable(processPath))
        {
            return new GuardInvocation(ToolShim(processPath, File.Exists) ?? processPath, []);
        }

        return new GuardInvocation(
            processPath ?? "dotnet", [Path.Combine(AppContext.BaseDirectory, ToolName + ".dll")]);
    }

    /// <summary>
    /// For <c>TOOLS/.store/mcpguard/VERSION/…/mcpguard</c> (where <c>dotnet tool install</c> unpacks a native tool),
    /// the shim <c>TOOLS/mcpguard</c> when it exists; otherwise null.
    /// </summary>
    public static string? ToolShim(string processPath, Func<string, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(exists);
        var store = processPath.Replace('\\', '/')
            .LastIndexOf("/.store/" + ToolName + "/", StringComparison.OrdinalIgnoreCase);
        if (store < 0)
        {
            return null;
        }

        var shim = Path.Combine(processPath[..store], Path.GetFileName(processPath));
        return exists(shim) ? shim : null;
    }

    public static bool IsGuardExecutable(string command) =>
        string.Equals(FileStem(command), ToolName, StringComparison.OrdinalIgnoreCase);

    public static bool IsDotnetHost(string command) =>
        string.Equals(FileStem(command), "dotnet", StringComparison.OrdinalIgnoreCase);

    public static bool IsGuardAssembly(string path) =>
        string.Equals(Path.GetFileName(path.Replace('\\', '/')), ToolName + ".dll", StringComparison.OrdinalIgnoreCase);

    private static string FileStem(string command)
    {
        var name = Path.GetFileName(command.Replace('\\', '/'));
        return name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
    }
}
