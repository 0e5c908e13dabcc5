using System.Text;
using McpGuard.Home;

namespace McpGuard.Doctor;

/// <summary>
/// The guards running now for this McpGuard home: processes whose command line is <c>mcpguard run</c> or
/// <c>mcpguard serve</c> (or <c>dotnet …/mcpguard.dll run</c>, <c>serve</c>) and whose <c>MCPGUARD_HOME</c> (or HOME)
/// leads to the same home. Read from <c>/proc</c>, so Linux only; a process that ends or cannot be read meanwhile is
/// skipped.
/// </summary>
internal static class GuardProcesses
{
    public static IReadOnlyList<RunningGuard>? Find(string home)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc"))
        {
            return null;
        }

        var wanted = Path.GetFullPath(home).TrimEnd('/');
        var guards = new List<RunningGuard>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var guard = FromCommandLine(pid, Split(File.ReadAllBytes(Path.Combine(directory, "cmdline"))));
                if (guard is null || HomeOf(Split(File.ReadAllBytes(Path.Combine(directory, "environ")))) != wanted)
                {
                    continue;
                }

                guards.Add(guard.Command == "serve" ? guard with { Ports = ListeningPorts.Of(pid) } : guard);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone, or another user's process.
            }
        }

        return guards;
    }

    private static List<string> Split(byte[] bytes) =>
        [.. Encoding.UTF8.GetString(bytes).Split('\0', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The guard a command line starts (<c>run</c> or <c>serve</c>), or null for anything else.</summary>
    internal static RunningGuard? FromCommandLine(int pid, List<string> argv)
    {
        var at = argv.Count > 1 && Path.GetFileName(argv[0]) == "mcpguard"
            ? 1
            : argv.FindIndex(a => Path.GetFileName(a) == "mcpguard.dll") is var dll and >= 0 ? dll + 1 : -1;
        if (at < 0 || at >= argv.Count || argv[at] is not ("run" or "serve"))
        {
            return null;
        }

        return new RunningGuard(
            pid, argv[at], ValueOf(argv, at, "--name"), ValueOf(argv, at, "--policy") ?? ValueOf(argv, at, "-p"));
    }

    private static string? ValueOf(List<string> argv, int run, string option)
    {
        var end = argv.IndexOf("--", run);
        var at = argv.IndexOf(option, run);
        return at > 0 && (end < 0 || at < end) && at + 1 < argv.Count ? argv[at + 1] : null;
    }

    private static string? HomeOf(List<string> environment)
    {
        string? Get(string name) =>
            environment.FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        var user = Get("HOME");
        var home = Get("MCPGUARD_HOME") is { Length: > 0 } set && (user is { Length: > 0 } || !set.StartsWith('~'))
            ? McpGuardHome.Resolve(set, user ?? "")
            : user is { Length: > 0 } ? Path.Combine(user, ".mcpguard")
            : null;
        return home is null ? null : Path.GetFullPath(home).TrimEnd('/');
    }
}
