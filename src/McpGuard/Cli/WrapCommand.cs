using System.CommandLine;
using McpGuard.Audit;
using McpGuard.ClientConfig;

namespace McpGuard.Cli;

internal static class WrapCommand
{
    public static Command Create(TimeProvider? timeProvider = null)
    {
        var policy = new Option<string>("--policy", "-p") { Description = "The policy file the wrapped servers run under (stored as an absolute path).", Required = true };
        var config = new Option<string>("--config") { Description = "The client config to edit (default: Claude Desktop's claude_desktop_config.json)." };
        var server = new Option<string[]>("--server") { Description = "Only this mcpServers entry; repeat for several (default: all)." };
        var guardCommand = new Option<string>("--command") { Description = "The mcpguard executable to write into the config (default: this one, by absolute path)." };
        var command = new Command("wrap", "Put the MCP servers of a client config behind mcpguard (a backup is written first).")
        {
            policy, config, server, guardCommand,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var policyPath = AuditPaths.Expand(parseResult.GetRequiredValue(policy));
            if (!File.Exists(policyPath))
            {
                await error.WriteLineAsync($"mcpguard wrap: policy not found: {policyPath}");
                return ExitCodes.UsageOrPolicyError;
            }

            var guard = GuardInvocation.Current(parseResult.GetValue(guardCommand));
            var selected = parseResult.GetValue(server) ?? [];
            var editor = new ClientConfigEditor(parseResult.InvocationConfiguration.Output, error, timeProvider ?? TimeProvider.System);
            return await editor.EditAsync(
                parseResult.GetValue(config), selected, servers => ServerEntries.Wrap(servers, selected, guard, policyPath), cancellationToken);
        });
        return command;
    }
}
