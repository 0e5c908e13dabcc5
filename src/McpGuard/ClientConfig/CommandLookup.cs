namespace McpGuard.ClientConfig;

/// <summary>
/// Whether a server's <c>command</c> can be found the way a client starts it: an absolute path must exist, a bare
/// name must be on PATH. Checked on this shell's PATH, which is usually longer than a GUI client's, so a miss
/// here is certain to fail there too ("spawn uvx ENOENT").
/// </summary>
internal static class CommandLookup
{
    public static bool IsFound(string command, string? path)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Length == 0)
        {
            return false;
        }

        if (Path.IsPathRooted(command) || command.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(command);
        }

        var extensions = OperatingSystem.IsWindows() ? new[] { "", ".exe", ".cmd", ".bat" } : [""];
        return (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => extensions.Any(extension => File.Exists(Path.Combine(directory, command + extension))));
    }

    /// <summary>The first match on PATH, or null.</summary>
    public static string? Find(string command, string? path) =>
        (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
}
