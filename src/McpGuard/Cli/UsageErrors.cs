using System.CommandLine;
using System.CommandLine.Parsing;
using McpGuard.Policy.Yaml;

namespace McpGuard.Cli;

/// <summary>
/// A command line the parser refused: its errors on stderr, one line each, and where the help is — never the help
/// itself on stdout, which is the MCP client's stream when a config starts <c>mcpguard run</c> with a typo
/// (README.md#cli: stdout carries MCP messages only). Exit 2, nothing started.
/// </summary>
internal static class UsageErrors
{
    public static Task<int> ReportAsync(ParseResult parseResult) => ReportAsync(parseResult, Console.Error);

    public static async Task<int> ReportAsync(ParseResult parseResult, TextWriter error)
    {
        // `mcpguard bogus`: the parser's first word would be "Required command was not provided", which hides the
        // one thing that is wrong. Name the unknown word, and the command it was probably meant to be.
        if (UnknownAtTheRoot(parseResult) is { } unknown)
        {
            await error.WriteLineAsync("mcpguard: " + unknown);
            return ExitCodes.UsageOrPolicyError;
        }

        // `run --polcy p.yaml`: the mistyped option is the one thing wrong; "Option '--policy' is required" follows
        // from it, so it comes second.
        foreach (var parseError in parseResult.Errors.OrderBy(e => e.Message.StartsWith(
                     CommonOptions.UnrecognisedOption, StringComparison.Ordinal) ? 0 : 1))
        {
            // One line each: the parser's "did you mean" lists put each choice on a line of its own.
            var message = string.Join(' ', parseError.Message.Split(
                ['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await error.WriteLineAsync("mcpguard: " + TerminalText.Printable(message));
        }

        await error.WriteLineAsync($"mcpguard: see '{CommandPath(parseResult.CommandResult)} --help'.");
        return ExitCodes.UsageOrPolicyError;
    }

    private static string? UnknownAtTheRoot(ParseResult parseResult)
    {
        if (parseResult.CommandResult.Command is not RootCommand root || parseResult.UnmatchedTokens.Count == 0)
        {
            return null;
        }

        var token = parseResult.UnmatchedTokens[0];
        var shown = TerminalText.Printable(token);
        if (token.StartsWith('-'))
        {
            return $"unknown option '{shown}'; see 'mcpguard --help'.";
        }

        var names = root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        return KeySuggestion.Closest(token.ToLowerInvariant(), names) is { } closest
            ? $"unknown command '{shown}'; did you mean '{closest}'? See 'mcpguard --help'."
            : $"unknown command '{shown}'; see 'mcpguard --help'.";
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? at = result; at is not null; at = at.Parent)
        {
            if (at is CommandResult command && command.Command is not RootCommand)
            {
                names.Insert(0, command.Command.Name);
            }
        }

        return string.Join(' ', ["mcpguard", .. names]);
    }
}
