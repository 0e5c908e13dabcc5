using System.CommandLine;
using McpGuard.Audit;
using McpGuard.ClientConfig;
using McpGuard.Policy.Compile;
using McpGuard.Stdio;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard wrap</c>: the policy is loaded first, and an invalid one stops wrap with its errors before the
/// config is touched: a wrapped entry whose guard refuses its policy dies at every client start (docs/wrap.md).
/// </summary>
internal static class WrapCommand
{
    public static Command Create(TimeProvider? timeProvider = null)
    {
        var policy = new Option<string>("--policy", "-p")
        {
            Description = "The policy file the wrapped servers run under (stored as an absolute path).",
            Required = true,
        };
        var config = new Option<string>("--config")
        {
            Description = "The client config to edit (default: Claude Desktop's claude_desktop_config.json).",
        };
        var server = new Option<string[]>("--server")
        {
            Description = "Only this entry; repeat for several (default: all).",
        };
        var guardCommand = new Option<string>("--command")
        {
            Description = "The mcpguard executable to write into the config (default: this one, by absolute path).",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would change and write nothing." };
        var command = new Command(
            "wrap", "Put the MCP servers of a client config behind mcpguard (a backup is written first).")
        {
            policy, config, server, guardCommand, dryRun,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var policyPath = AuditPaths.Expand(parseResult.GetRequiredValue(policy));
            if (!File.Exists(policyPath))
            {
                await error.WriteLineAsync($"mcpguard: policy not found: {policyPath}");
                return ExitCodes.UsageOrPolicyError;
            }

            var loaded = PolicyLoader.LoadFile(policyPath);
            if (!loaded.Succeeded)
            {
                await PolicyErrors.WriteAsync(error, loaded, "the config was not changed");
                return ExitCodes.UsageOrPolicyError;
            }

            var guard = GuardInvocation.Current(parseResult.GetValue(guardCommand));
            var selected = parseResult.GetValue(server) ?? [];
            var editor = new ClientConfigEditor(
                parseResult.InvocationConfiguration.Output, error, timeProvider ?? TimeProvider.System);
            var exitCode = await editor.EditAsync(
                parseResult.GetValue(config),
                selected,
                servers => ServerEntries.Wrap(servers, selected, guard, policyPath),
                parseResult.GetValue(dryRun),
                cancellationToken);

            // Named as the report names the entry (a project's entry says which project), with the command itself.
            var path = Environment.GetEnvironmentVariable("PATH");
            foreach (var change in editor.Changes.Where(c => c.Kind == ServerChangeKind.Wrapped))
            {
                if (change.Command is { } original && !CommandLookup.IsFound(original, path))
                {
                    await error.WriteLineAsync(
                        $"mcpguard: note: {TerminalText.Printable(change.Name)}: its command "
                            + $"{TerminalText.Printable(original)} is not found on this PATH; the client will not "
                            + "find it either (use an absolute path in the config)");
                }
            }

            return exitCode;
        });
        return command;
    }
}
