using System.ComponentModel;

namespace McpGuard.Stdio;

/// <summary>
/// Why a server command could not be started, in words a person acts on: "not found on PATH" rather than the
/// runtime's "An error occurred trying to start process … with working directory …".
/// </summary>
internal static class StartFailureText
{
    private const int NoSuchFile = 2;
    private const int PermissionDenied = 13;

    public static string Describe(string command, Win32Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var bare = !Path.IsPathRooted(command) && !command.Contains('/', StringComparison.Ordinal);
        return exception.NativeErrorCode switch
        {
            NoSuchFile when bare => $"'{command}' was not found on PATH",
            NoSuchFile => $"'{command}' does not exist",
            PermissionDenied => $"'{command}' cannot be run (permission denied: not executable, or a folder)",
            _ => $"'{command}' cannot be started: {LastSentence(exception.Message)}",
        };
    }

    // "An error occurred trying to start process 'x' with working directory '/y'. Exec format error" → the cause.
    private static string LastSentence(string message)
    {
        var end = message.TrimEnd('.').LastIndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[(end + 2)..];
    }
}
