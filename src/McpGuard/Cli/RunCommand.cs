using System.CommandLine;

namespace McpGuard.Cli;

internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Start the server as a child and guard every message between it and the client.");
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(ExitCodes.Failure));
        return command;
    }
}
