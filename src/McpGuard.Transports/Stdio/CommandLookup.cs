namespace McpGuard.Stdio;

/// <summary>
/// Where a server's <c>command</c> is found the way a child's start finds it: a path (absolute, or with a slash) must
/// exist and be executable; a bare name is the first executable of that name on PATH. <c>wrap</c>, <c>doctor</c> and
/// <c>serve</c>'s /readyz all ask here, so they agree with each other and with the start itself. Checked on this
/// shell's PATH, which is usually longer than a GUI client's: a miss here is certain to fail there too
/// ("spawn uvx ENOENT").
/// </summary>
internal static class CommandLookup
{
    private const UnixFileMode AnyExecute =
        UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static readonly string[] WindowsExtensions = ["", ".exe", ".cmd", ".bat"];

    public static CommandLocation Locate(string command, string? path)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Length == 0)
        {
            return new CommandLocation.NotOnPath();
        }

        if (Path.IsPathRooted(command) || command.Contains('/', StringComparison.Ordinal))
        {
            return !File.Exists(command) ? new CommandLocation.Missing()
                : !IsExecutable(command) ? new CommandLocation.NotExecutable()
                : new CommandLocation.Found(command);
        }

        var extensions = OperatingSystem.IsWindows() ? WindowsExtensions : [""];
        var match = (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(directory => extensions.Select(extension => Path.Combine(directory, command + extension)))
            .FirstOrDefault(candidate => File.Exists(candidate) && IsExecutable(candidate));
        return match is null ? new CommandLocation.NotOnPath() : new CommandLocation.Found(match);
    }

    public static bool IsFound(string command, string? path) => Locate(command, path) is CommandLocation.Found;

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & AnyExecute) != 0;
}
