using System.CommandLine;
using McpGuard.Inventory;
using McpGuard.Policy.Compile;

namespace McpGuard.Cli;

/// <summary><c>mcpguard init [--out FILE] -- COMMAND</c>: a commented starter policy from the server's tools.</summary>
internal static class InitCommand
{
    public static Command Create(ServerConnector? connector = null)
    {
        var outOption = new Option<FileInfo>("--out", "-o")
        {
            Description = "Write the policy here instead of stdout (refuses to overwrite).",
        };
        var verbose = CommonOptions.Verbose();
        var server = CommonOptions.ServerCommand();
        var command = new Command(
            "init", "Write a starter policy for a server from its tools and their risk classes.")
        {
            outOption, verbose, server,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var commandLine = parseResult.GetValue(server)!;

            // Before the server starts: a refusal should not wait for (or run) a server first.
            if (parseResult.GetValue(outOption) is { Exists: true } existing)
            {
                await error.WriteLineAsync($"mcpguard init: {existing.FullName} exists; not overwriting it.");
                return ExitCodes.UsageOrPolicyError;
            }

            if (await ServerInspection.ListAsync(
                    commandLine,
                    connector ?? ServerConnector.Stdio,
                    parseResult.GetValue(verbose),
                    error,
                    cancellationToken) is not { } inventory)
            {
                return ExitCodes.Failure;
            }

            var tools = inventory.Tools;
            var starter = StarterPolicy.Write(ServerName.FromCommandLine(commandLine), inventory);
            foreach (var name in starter.LeftOut)
            {
                await error.WriteLineAsync($"mcpguard init: warning: the tool '{TerminalText.Printable(name)}' "
                    + "has characters that are unsafe in a policy file; it is left out of the comments "
                    + "(its risk class still applies).");
            }

            // The template sets no tools, hides no names and sets no classes: if the text says otherwise,
            // something from the server got into it, and the file is not written.
            var check = PolicyLoader.LoadText(starter.Yaml, "starter policy");
            if (!check.Succeeded || check.Policy.Entries.Count > 0 || check.Policy.Hide.Count > 0
                || check.Policy.RiskOverrides.Count > 0)
            {
                await error.WriteLineAsync("mcpguard init: the starter policy did not come out as written; "
                    + "nothing was written (please report this).");
                return ExitCodes.Failure;
            }

            if (parseResult.GetValue(outOption) is not { } file)
            {
                await output.WriteAsync(starter.Yaml);
                return ExitCodes.Success;
            }

            if (file.Exists)
            {
                await error.WriteLineAsync($"mcpguard init: {file.FullName} exists; not overwriting it.");
                return ExitCodes.UsageOrPolicyError;
            }

            if (await NewFile.WriteAsync(file.FullName, starter.Yaml, cancellationToken)
                is NewFileWrite.Failed failed)
            {
                await error.WriteLineAsync(
                    $"mcpguard init: cannot write {TerminalText.Printable(file.FullName)}: {failed.Why}.");
                return failed.ByUser ? ExitCodes.UsageOrPolicyError : ExitCodes.Failure;
            }

            await output.WriteLineAsync($"Wrote {file.FullName} ({tools.Count} tools). Next: mcpguard check --policy "
                + $"{file.FullName} -- {TerminalText.Printable(string.Join(' ', commandLine))}");
            if (await StarterCases.WriteBesideAsync(file.FullName, check.Policy, tools, error, cancellationToken)
                is { } cases)
            {
                await output.WriteLineAsync(
                    $"Wrote {cases}. Prove the policy with: mcpguard test --policy {file.FullName} {cases}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
