using McpGuard.Audit;

namespace McpGuard.Cli;

/// <summary>
/// An audit log that a command reads (<c>audit</c>, <c>replay</c>): opened beside the guards that may still append
/// to it or rotate it away, and said in one line on stderr when it cannot be read.
/// </summary>
internal static class AuditLogInput
{
    public static StreamReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));

    /// <summary>
    /// Says why <paramref name="path"/> could not be read; returns the exit code: a log that is not there was
    /// named wrongly (a usage error), any other failure is the machine's.
    /// </summary>
    public static async Task<int> CannotReadAsync(TextWriter error, string path, Exception exception)
    {
        await error.WriteLineAsync(
            $"mcpguard: cannot read {TerminalText.Printable(path)}: "
                + TerminalText.Printable(AuditPaths.WhyUnreadable(path, exception)));
        return exception is FileNotFoundException or DirectoryNotFoundException
            ? ExitCodes.UsageOrPolicyError
            : ExitCodes.Failure;
    }
}
