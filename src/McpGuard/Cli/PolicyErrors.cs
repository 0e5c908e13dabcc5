using McpGuard.Policy.Compile;
using McpGuard.Policy.Pins;

namespace McpGuard.Cli;

internal static class PolicyErrors
{
    /// <summary>One line per problem, <c>file:line:column: path: message</c>, then a count.</summary>
    public static async Task WriteAsync(
        TextWriter error, PolicyLoadResult result, string consequence = "the server was not started")
    {
        foreach (var problem in result.Errors)
        {
            await error.WriteLineAsync($"mcpguard: {TerminalText.Printable(problem.ToString())}");
        }

        await error.WriteLineAsync($"mcpguard: the policy is invalid "
            + $"({result.Errors.Count} error{(result.Errors.Count == 1 ? "" : "s")}); {consequence}.");
    }

    /// <summary>A lock file's problems (pins.file), one line each, then what to do.</summary>
    public static async Task WriteLockFileAsync(TextWriter error, LockFileLoadResult result)
    {
        foreach (var problem in result.Errors)
        {
            await error.WriteLineAsync($"mcpguard: {TerminalText.Printable(problem.ToString())}");
        }

        await error.WriteLineAsync("mcpguard: the lock file is invalid; re-pin with "
            + "`mcpguard pin --policy POLICY -- SERVER COMMAND` and review the diff.");
    }
}
