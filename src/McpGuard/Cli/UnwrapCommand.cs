using System.CommandLine;
using McpGuard.ClientConfig;

namespace McpGuard.Cli;

internal static class UnwrapCommand
{
    public static Command Create(TimeProvider? timeProvider = null)
    {
        var config = new Option<string>("--config")
        {
            Description = "The client config to edit (default: Claude Desktop's claude_desktop_config.json).",
        };
        var server = new Option<string[]>("--server")
        {
            Description = "Only this entry; repeat for several (default: all).",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would change and write nothing." };
        var guardCommand = new Option<string>("--command")
        {
            Description = "Also treat entries starting this command as wrapped (if wrap was given --command).",
        };
        var command = new Command(
            "unwrap", "Restore the original command and args of wrapped servers (a backup is written first).")
        {
            config, server, guardCommand, dryRun,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var guard = GuardInvocation.Current(parseResult.GetValue(guardCommand));
            var selected = parseResult.GetValue(server) ?? [];
            var editor = new ClientConfigEditor(
                parseResult.InvocationConfiguration.Output,
                parseResult.InvocationConfiguration.Error,
                timeProvider ?? TimeProvider.System);
            return await editor.EditAsync(
                parseResult.GetValue(config),
                selected,
                servers => ServerEntries.Unwrap(servers, selected, guard),
                parseResult.GetValue(dryRun),
                cancellationToken);
        });
        return command;
    }
}
