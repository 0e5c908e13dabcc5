using System.CommandLine;
using McpGuard.Inventory;
using McpGuard.Pins;
using McpGuard.Policy.Yaml;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard check --policy FILE [-- COMMAND | --url URL]</c>: validate, and with a server, check the policy against
/// its real tools.
/// </summary>
internal static class CheckCommand
{
    public static Command Create(ServerConnector? connector = null)
    {
        var policyOption = CommonOptions.Policy();
        var server = new InspectedServerOptions();
        var command = new Command(
            "check",
            "Validate a policy; with a server command after -- (or --url), also check it against the server's real "
                + "tools.")
        {
            policyOption,
        };
        server.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var file = parseResult.GetValue(policyOption)!;
            InspectedServer? target = null;
            if (server.Given(parseResult) && (target = await server.ReadAsync(parseResult, error, connector)) is null)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            var consequence = target is null ? "a guard would refuse to start with it"
                : target.Remote is null ? "the server was not started" : "the server was not contacted";
            if (await ServerInspection.LoadPolicyAsync(file, error, consequence) is not { } policy)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            if (ServeWarning(policy) is { } serveWarning)
            {
                await output.WriteLineAsync(serveWarning);
            }

            if (target is null)
            {
                var entries = policy.Entries.Count;
                var hidden = policy.Hide.Count;
                await output.WriteLineAsync(
                    $"{file.FullName}: valid ({entries} tool {(entries == 1 ? "entry" : "entries")}, "
                    + $"{hidden} hidden {(hidden == 1 ? "name or glob" : "names or globs")}).");
                await output.WriteLineAsync(SamplingLine(policy));
                return ExitCodes.Success;
            }

            var listing = await target.ListAsync(error, cancellationToken);
            if (listing.Inventory is not { } inventory)
            {
                return listing.ExitCode;
            }

            var tools = inventory.Tools;

            var findings = PolicyCheck.Run(policy, inventory);
            findings.AddRange(PinFindings.Run(policy, tools, target.PinCommand(file.FullName)));
            findings.AddRange(
                ToolTextFlags.Find(tools).Select(f => new CheckFinding(false, "tool text: " + f.Message)));
            foreach (var finding in findings)
            {
                // Findings name the server's tools: inert before they reach the terminal.
                var at = finding.At is { } path ? PolicyPositions.Of(file.FullName, path) + ": " : "";
                await output.WriteLineAsync(
                    $"{(finding.IsError ? "error" : "warning")}: {at}{TerminalText.Printable(finding.Message)}");
            }

            var errors = findings.Count(f => f.IsError);
            await output.WriteLineAsync($"{file.FullName}: {(errors == 0 ? "valid" : "invalid")} against "
                + $"{tools.Count} tools ({errors} errors, {findings.Count - errors} warnings).");
            await output.WriteLineAsync(SamplingLine(policy));
            return errors == 0 ? ExitCodes.Success : ExitCodes.UsageOrPolicyError;
        });
        return command;
    }

    /// <summary>
    /// A <c>serve:</c> block that <c>serve</c> refuses (a non-loopback listen address without auth) is no policy error,
    /// since <c>run</c> and <c>--listen</c> ignore it, but check says so rather than only "valid" (docs/serve.md).
    /// </summary>
    private static string? ServeWarning(McpGuard.Policy.CompiledPolicy policy) =>
        Composition.ServeOptionsResolver.TryResolve(policy, listenFlag: null, TimeSpan.Zero, out _, out var refused)
            ? null
            : $"warning: serve: {refused}; `mcpguard serve` refuses to start with it (exit 2) unless --listen gives a "
                + "loopback address.";

    /// <summary>What a server asking the client's model to pick tools gets (docs/policy.md#sampling).</summary>
    private static string SamplingLine(McpGuard.Policy.CompiledPolicy policy) =>
        policy.SamplingTools == McpGuard.Policy.Settings.SamplingTools.Judge
            ? "sampling with tools: judged (every tool the client's model picks is decided like a call; one that "
                + "needs approval is refused)."
            : "sampling with tools: refused (the default; `sampling: { tools: judge }` judges each tool the model "
                + "picks instead).";
}
