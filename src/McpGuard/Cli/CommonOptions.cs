using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace McpGuard.Cli;

/// <summary>Options and arguments several commands share, so they are spelled and described once.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo> Policy(bool required = true) => new("--policy", "-p")
    {
        Description = "The policy file (YAML or JSON).",
        Required = required,
    };

    /// <summary>
    /// The log level, by name in any case; anything else is a usage error that lists the names, not the parser's
    /// default message, which names a .NET type and prints the enum's members unsorted.
    /// </summary>
    public static Option<LogLevel> LogLevel() => new("--log-level")
    {
        Description = "Least severe log level written to stderr "
            + "(Trace, Debug, Information, Warning, Error, Critical, None).",
        DefaultValueFactory = _ => Microsoft.Extensions.Logging.LogLevel.Information,
        CustomParser = result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level)
                && Enum.IsDefined(level) && !value.All(char.IsAsciiDigit))
            {
                return level;
            }

            result.AddError("--log-level must be one of Trace, Debug, Information, Warning, Error, Critical, None, "
                + $"not '{TerminalText.Printable(value)}'");
            return Microsoft.Extensions.Logging.LogLevel.Information;
        },
    };

    /// <summary>
    /// A number of seconds (<c>run --shutdown-timeout</c>, <c>serve --drain</c>): from 0 to a day, checked when the
    /// command line is parsed, so NaN, a negative or an overflowing value, or no number at all, is a usage error, not
    /// an exception.
    /// </summary>
    public static Option<double> Seconds(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (double.TryParse(value, System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                && double.IsFinite(seconds) && seconds is >= 0 and <= MaxSeconds)
            {
                return seconds;
            }

            result.AddError(
                $"{name} must be a number of seconds from 0 to {MaxSeconds}, not '{TerminalText.Printable(value)}'.");
            return defaultValue;
        },
    };

    private const int MaxSeconds = 86_400;

    /// <summary>
    /// For the commands that talk to a server: a failure is one line unless this asks for the details.
    /// </summary>
    public static Option<bool> Verbose() => new("--verbose")
    {
        Description = "On failure, also print the exception (for a bug report).",
    };

    /// <summary>
    /// For the commands that decide without a server (explain, test, replay): the name a server reports for itself,
    /// which picks its vendor risk catalogue as it does in a running guard (docs/policy.md#risk-classes).
    /// </summary>
    public static Option<string> ServerName() => new("--server-name")
    {
        Description = "Decide as a guard facing a server that reports this name (serverInfo.name, e.g. bybit-mcp): "
            + "it picks the vendor risk catalogue, as in a running guard. Without it, only a catalogue the policy "
            + "names applies.",
    };

    /// <summary>
    /// Everything after <c>--</c>: the server's command line, passed on untouched. The parser also hands this
    /// argument any option it does not know, so <c>run --polcy p.yaml -- server</c> would start "--polcy" as the
    /// server and fail as "not found on PATH": a command line that begins with a dash is refused as the mistyped
    /// option it is (no server's program is named so).
    /// </summary>
    /// <summary>How a mistyped option's error begins (<see cref="UsageErrors"/> says it first).</summary>
    public const string UnrecognisedOption = "unrecognised option";

    public static Argument<string[]> ServerCommand(bool required = true)
    {
        var argument = new Argument<string[]>("command")
        {
            Description = "The MCP server's command line, after --.",
            Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore,
        };
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && result.Tokens[0].Value is ['-', ..] option)
            {
                result.AddError($"{UnrecognisedOption} '{option}' (the server's command line goes after --)");
            }
            else if (result.Tokens.Count > 0 && string.IsNullOrWhiteSpace(result.Tokens[0].Value))
            {
                result.AddError("the server's command is empty (the server's command line goes after --)");
            }
        });
        return argument;
    }
}
