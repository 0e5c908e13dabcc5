namespace McpGuard.State;

/// <summary>
/// The SQLite store's files are the user's alone (mode 0600, like the tokens and the audit log): they say which tools
/// were called, by which agent, with which <c>per</c> values (docs/limits.md#sqlite). SQLite creates a database 0644
/// (less the umask), and its <c>-wal</c> and <c>-shm</c> files with the database's own mode; so the database is made
/// 0600 before SQLite opens it, and the files an older guard made are tightened.
/// </summary>
internal static class UserOnlyFiles
{
    private const UnixFileMode UserOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly string[] s_companions = ["", "-wal", "-shm", "-journal"];

    public static void Prepare(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            // Never opened when it exists: closing a descriptor of a file drops every POSIX lock this process holds
            // on it, a connection's included. CreateNew: another guard may make it at the same moment.
            if (!File.Exists(path))
            {
                try
                {
                    using var created = new FileStream(path, new FileStreamOptions
                    {
                        Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UserOnly,
                    });
                }
                catch (IOException) when (File.Exists(path))
                {
                    // Made by another guard meanwhile.
                }
            }

            foreach (var suffix in s_companions)
            {
                var file = path + suffix;
                if (File.Exists(file) && (File.GetUnixFileMode(file) & ~UserOnly) != 0)
                {
                    File.SetUnixFileMode(file, File.GetUnixFileMode(file) & UserOnly);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not this user's file, or not writable: SQLite's own open says what is wrong, as before.
        }
    }
}
