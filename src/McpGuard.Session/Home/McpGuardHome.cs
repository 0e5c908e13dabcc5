namespace McpGuard.Home;

/// <summary>
/// <c>~/.mcpguard</c> (or <c>MCPGUARD_HOME</c>): the desk's secret and port, the counters and the audit log. It is
/// this user's only (0700) whoever made it first: a guard, the desk, or an install that created it with the
/// umask's 0755 (docs/install.md). Every place that creates a folder for McpGuard's own files goes through here.
/// </summary>
internal static class McpGuardHome
{
    private const UnixFileMode UserOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static string Path => Resolve(Environment.GetEnvironmentVariable("MCPGUARD_HOME"), UserHome.Path);

    /// <summary>
    /// <c>MCPGUARD_HOME</c> as the guard uses it: unset or empty, <c>~/.mcpguard</c>; a leading <c>~</c> (alone or
    /// before a separator) is the user's home, as in a policy's paths, since a client's config starts the guard with
    /// no shell to expand it (else <c>~/x</c> was a folder named <c>~</c> under whatever folder the client started
    /// the guard in); anything else as written (`mcpguard doctor` reports a relative one).
    /// </summary>
    public static string Resolve(string? variable, string userHome)
    {
        if (variable is not { Length: > 0 } home)
        {
            return System.IO.Path.Combine(userHome, ".mcpguard");
        }

        return home == "~" ? userHome
            : home.StartsWith("~/", StringComparison.Ordinal) || home.StartsWith("~\\", StringComparison.Ordinal)
                ? System.IO.Path.Combine(userHome, home[2..])
                : home;
    }

    /// <summary>Creates the home folder 0700, or takes group and other access away from one that has it.</summary>
    public static void Ensure() => EnsureHome(Path);

    /// <summary>
    /// <see cref="Ensure"/> for a given folder (tests use their own rather than the process-wide variable).
    /// </summary>
    public static void EnsureHome(string home) => EnsureDirectory(home, tighten: true);

    /// <summary>
    /// Creates the folder a file of ours goes into: the home itself is made 0700 (see <see cref="Ensure"/>);
    /// any other folder is created 0700 when missing and otherwise left as the user set it up.
    /// </summary>
    public static void EnsureDirectoryOf(string filePath)
    {
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(filePath)) is not { Length: > 0 } directory)
        {
            return;
        }

        var isHome = string.Equals(
            System.IO.Path.TrimEndingDirectorySeparator(directory),
            System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(Path)),
            StringComparison.Ordinal);
        EnsureDirectory(directory, tighten: isHome);
    }

    /// <summary>
    /// Creates a folder and every missing folder above it 0700 (.NET gives the parents the umask's mode): a first
    /// <c>mcpguard login</c> creates <c>$MCPGUARD_HOME/tokens</c>, and the home above it is 0700 too.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreateUserOnly(string directory)
    {
        var missing = new Stack<string>();
        for (var folder = System.IO.Path.GetFullPath(directory); !Directory.Exists(folder);)
        {
            missing.Push(folder);
            if (System.IO.Path.GetDirectoryName(System.IO.Path.TrimEndingDirectorySeparator(folder)) is not
                { Length: > 0 } parent)
            {
                break;
            }

            folder = parent;
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, UserOnly);
        }
    }

    private static void EnsureDirectory(string directory, bool tighten)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        if (!Directory.Exists(directory))
        {
            CreateUserOnly(directory);
            return;
        }

        if (tighten && (File.GetUnixFileMode(directory) & ~UserOnly) != 0)
        {
            try
            {
                File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) & UserOnly);
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's folder (a shared MCPGUARD_HOME): not ours to change; the secret's own check still
                // applies.
            }
        }
    }
}
