using System.CommandLine;

namespace McpGuard.Cli;

/// <summary>
/// A command line the parser refused: its errors on stderr, one line each, and where the help is — never the help
/// itself on stdout, which is the MCP client's stream when a config starts <c>mcpguard run</c> with a typo
/// (README.md#cli: stdout carries MCP messages only). Exit 2, nothing started.
/// </summary>
internal static class UsageErrors
{
    public static async Task<int> ReportAsync(ParseResult parseResult)
    {
        var error = Console.Error;
        foreach (var parseError in parseResult.Errors)
        {
            // One line each: the parser's "did you mean" lists put each choice on a line of its own.
            var message = string.Join(' ', parseError.Message.Split(
                ['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await error.WriteLineAsync("mcpguard: " + TerminalText.Printable(message));
        }

        await error.WriteLineAsync($"mcpguard: see '{CommandPath(parseResult.CommandResult)} --help'.");
        return ExitCodes.UsageOrPolicyError;
    }

    private static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? at = result; at is not null; at = at.Parent)
        {
            if (at is System.CommandLine.Parsing.CommandResult command && command.Command is not RootCommand)
            {
                names.Insert(0, command.Command.Name);
            }
        }

        return string.Join(' ', ["mcpguard", .. names]);
    }
}
