namespace McpGuard.Benchmarks;

/// <summary>
/// An <c>MCPGUARD_HOME</c> of its own for each guard build a benchmark run starts, kept for the run (its rounds
/// count on), removed at its end. Without it every side counted in the user's <c>~/.mcpguard/state.db</c>: a build
/// of a newer state schema moved that file over, and the older build beside it (<c>--before</c>), or anyone's next
/// run of one, was then refused the file and denied its counted calls (docs/limits.md#sqlite-file).
/// </summary>
internal static class GuardHomes
{
    private static readonly Lock s_gate = new();
    private static readonly Dictionary<string, string> s_homes = [];
    private static DirectoryInfo? s_root;

    /// <summary>
    /// The home for a command line that runs a guard (<c>… run …</c>), one per build (what comes before
    /// <c>run</c>); null for anything else (a server, a plain relay).
    /// </summary>
    public static string? For(IReadOnlyList<string> commandLine)
    {
        var run = commandLine.ToList().IndexOf("run");
        return run <= 0 ? null : Home(string.Join('\0', commandLine.Take(run)));
    }

    /// <summary>A home of its own for <paramref name="name"/>, made on first use.</summary>
    public static string Home(string name)
    {
        lock (s_gate)
        {
            if (s_root is null)
            {
                s_root = Directory.CreateTempSubdirectory("mcpguard-bench-");
                var root = s_root.FullName;
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    try
                    {
                        Directory.Delete(root, recursive: true);
                    }
                    catch (IOException)
                    {
                        // A guard still writing its file: left in /tmp.
                    }
                };
            }

            if (!s_homes.TryGetValue(name, out var home))
            {
                var index = s_homes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                home = Path.Combine(s_root.FullName, index);
                Directory.CreateDirectory(home);
                s_homes[name] = home;
            }

            return home;
        }
    }
}
