using Spectre.Console;

namespace McpGuard.Cli;

/// <summary>
/// A Spectre console over the command's output: colour only on a real terminal and never with NO_COLOR.
/// </summary>
internal static class Terminal
{
    public static IAnsiConsole Create(TextWriter output)
    {
        var ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!ansi)
        {
            // A pipe or a file: lines are never wrapped (grep, diffs); tables are plain (TextTable).
            console.Profile.Width = 4096;
        }

        return console;
    }
}
