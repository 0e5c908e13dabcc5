using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
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
                await error.WriteLineAsync($"mcpguard wrap: policy not found: {policyPath}");
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
            var missing = new List<string>();
            var editor = new ClientConfigEditor(
                parseResult.InvocationConfiguration.Output, error, timeProvider ?? TimeProvider.System);
            var exitCode = await editor.EditAsync(
                parseResult.GetValue(config),
                selected,
                servers =>
                {
                    var changes = ServerEntries.Wrap(servers, selected, guard, policyPath);
                    missing.AddRange(changes.Where(c => c.Kind == ServerChangeKind.Wrapped).Select(c => c.Name)
                        .Where(name => OriginalCommand(servers[name]) is { } original
                            && !CommandLookup.IsFound(original, Environment.GetEnvironmentVariable("PATH"))));
                    return changes;
                },
                parseResult.GetValue(dryRun),
                cancellationToken);
            foreach (var name in missing)
            {
                await error.WriteLineAsync(
                    $"mcpguard wrap: note: the command of {TerminalText.Printable(name)} is not found on this PATH; " +
                    "the client will not find it either (use an absolute path in the config)");
            }

            return exitCode;
        });
        return command;
    }

    /// <summary>
    /// The command of a just-wrapped entry: the first element after <c>--</c> in its args (none: remote).
    /// </summary>
    private static string? OriginalCommand(JsonNode? entry)
    {
        var args = (entry?["args"] as JsonArray)
            ?.Select(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "")
            .ToList() ?? [];
        var separator = args.IndexOf("--");
        return separator < 0 ? null : separator + 1 < args.Count ? args[separator + 1] : "";
    }
}
