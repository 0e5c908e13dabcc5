using McpGuard.Home;

namespace McpGuard.Audit;

/// <summary>Paths as users write them in policies and on the command line.</summary>
internal static class AuditPaths
{
    /// <summary>
    /// The log <c>mcpguard audit</c> reads when no file is given, and <c>limits --reset</c> writes to when the policy
    /// names none: <c>audit.jsonl</c> in <c>$MCPGUARD_HOME</c> (<c>~/.mcpguard</c>), where McpGuard keeps its files.
    /// </summary>
    public static string DefaultLog => Path.Combine(McpGuardHome.Path, "audit.jsonl");

    /// <summary><see cref="DefaultLog"/> as help text says it.</summary>
    public const string DefaultLogText = "$MCPGUARD_HOME/audit.jsonl, ~/.mcpguard/audit.jsonl without it";

    /// <summary>
    /// Expands a leading <c>~</c> (alone or followed by a separator) to the user's home and makes the path absolute.
    /// </summary>
    public static string Expand(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            var home = UserHome.Path;
            path = path.Length == 1 ? home : Path.Combine(home, path[2..]);
        }

        return Path.GetFullPath(path);
    }

    /// <summary>
    /// Why a log could not be opened, in words: the runtime's own repeat the path ("Could not find file '/x'.") or
    /// mislead (a folder is "Access to the path is denied"), as the policy loader's do.
    /// </summary>
    public static string WhyUnreadable(string path, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is FileNotFoundException or DirectoryNotFoundException ? "it does not exist"
            : Directory.Exists(path) ? "it is a folder, not a file"
            : exception.Message;
    }
}
