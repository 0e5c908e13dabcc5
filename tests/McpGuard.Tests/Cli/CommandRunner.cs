using System.CommandLine;

namespace McpGuard.Tests.Cli;

/// <summary>Runs one command in memory and captures what it writes.</summary>
internal static class CommandRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        Command command, params string[] args)
    {
        var root = new RootCommand { command };
        var output = new StringWriter();
        var error = new StringWriter();
        var parseResult = root.Parse(
            [command.Name, .. args], new ParserConfiguration { ResponseFileTokenReplacer = null });
        var exitCode = await parseResult.InvokeAsync(
            new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }
}
