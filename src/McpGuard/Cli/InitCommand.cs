using System.CommandLine;
using McpGuard.Inventory;
using McpGuard.Policy;

namespace McpGuard.Cli;

/// <summary><c>mcpguard init [--out FILE] -- COMMAND</c>: a commented starter policy from the server's tools.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var outOption = new Option<FileInfo>("--out", "-o") { Description = "Write the policy here instead of stdout (refuses to overwrite)." };
        var server = CommonOptions.ServerCommand();
        var command = new Command("init", "Write a starter policy for a server from its tools and their risk classes.") { outOption, server };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var commandLine = parseResult.GetValue(server)!;
            if (await ServerInspection.ListAsync(commandLine, error, cancellationToken) is not { } tools)
            {
                return ExitCodes.Failure;
            }

            var policy = StarterPolicy.Write(ServerName.FromCommandLine(commandLine), tools);
            var check = PolicyLoader.LoadText(policy, "starter policy");
            if (!check.Succeeded)
            {
                await PolicyErrors.WriteAsync(error, check);
                return ExitCodes.Failure;
            }

            if (parseResult.GetValue(outOption) is not { } file)
            {
                await output.WriteAsync(policy);
                return ExitCodes.Success;
            }

            if (file.Exists)
            {
                await error.WriteLineAsync($"mcpguard init: {file.FullName} exists; not overwriting it.");
                return ExitCodes.UsageOrPolicyError;
            }

            await File.WriteAllTextAsync(file.FullName, policy, cancellationToken);
            await output.WriteLineAsync($"Wrote {file.FullName} ({tools.Count} tools). Next: mcpguard check --policy {file.FullName} -- {string.Join(' ', commandLine)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
