namespace McpGuard.Benchmarks;

/// <summary>
/// Which mcpguard the benchmark starts. The shipped build is the Native AOT executable
/// (<c>dotnet publish src/McpGuard -c Release -r linux-x64</c>); the JIT build (<c>dotnet mcpguard.dll</c>) is
/// measured beside it for start-up. <c>--guard PATH</c> picks another build: a <c>.dll</c> runs under
/// <c>dotnet</c>, anything else is executed as is.
/// </summary>
internal static class GuardBuilds
{
    public static string NativePath(string root) =>
        Path.Combine(root, "src/McpGuard/bin/Release/net10.0/linux-x64/publish/mcpguard");

    public static string JitDll(string root) => Path.Combine(root, "src/McpGuard/bin/Release/net10.0/mcpguard.dll");

    /// <summary>
    /// The command prefix of the guard to measure: <c>--guard</c>, else the native build if published, else the JIT
    /// build.
    /// </summary>
    public static string[] Guard(string root, string[] args)
    {
        var index = Array.IndexOf(args, "--guard");
        var path = index >= 0
            ? Path.GetFullPath(args[index + 1])
            : File.Exists(NativePath(root)) ? NativePath(root) : JitDll(root);
        return Command(path);
    }

    /// <summary><c>--before PATH</c>: another build to measure beside the first; null when not given.</summary>
    public static string[]? Before(string[] args) =>
        Array.IndexOf(args, "--before") is var index and >= 0 ? Command(Path.GetFullPath(args[index + 1])) : null;

    public static string[] Command(string path) =>
        path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ["dotnet", path] : [path];

    public static string Describe(string[] guard) =>
        guard[0] == "dotnet" ? "JIT build (dotnet mcpguard.dll)" : "Native AOT build";
}
