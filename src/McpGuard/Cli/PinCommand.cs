using System.CommandLine;
using McpGuard.Inventory;
using McpGuard.Pins;
using McpGuard.Policy;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard pin --policy FILE [--check] (-- COMMAND | --url URL)</c>: record the server's tool definitions in the
/// lock file beside the policy, showing what was added, changed and removed since the last pin; <c>--check</c>
/// writes nothing and exits 1 on any drift, for CI (docs/pins.md).
/// </summary>
internal static class PinCommand
{
    public static Command Create(ServerConnector? connector = null)
    {
        var policyOption = CommonOptions.Policy();
        var check = new Option<bool>("--check")
        {
            Description = "Write nothing; exit 1 if the server's tools differ from the lock file.",
        };
        var server = new InspectedServerOptions();
        var command = new Command(
            "pin", "Record the server's tool definitions in the policy's lock file (or check them against it).")
        {
            policyOption, check,
        };
        server.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var policyFile = parseResult.GetValue(policyOption)!;
            var checkOnly = parseResult.GetValue(check);
            if (await server.ReadAsync(parseResult, error, connector) is not { } inspected
                || await LockFileTarget.ResolveAsync(policyFile, error) is not { } target)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            if (checkOnly && target.Invalid is { } invalid)
            {
                await PolicyErrors.WriteLockFileAsync(error, invalid);
                return ExitCodes.UsageOrPolicyError;
            }

            if (target.Invalid is { } damaged)
            {
                foreach (var problem in damaged.Errors)
                {
                    await error.WriteLineAsync($"mcpguard: warning: {TerminalText.Printable(problem.ToString())}");
                }

                await error.WriteLineAsync("mcpguard: warning: the existing lock file is invalid; it is replaced, "
                    + "and every tool is shown as new.");
            }

            var listing = await inspected.ListAsync(error, cancellationToken);
            if (listing.Inventory is not { } inventory)
            {
                return listing.ExitCode;
            }

            var tools = inventory.Tools;

            var listed = ListedPins.From(tools);
            foreach (var problem in listed.Problems)
            {
                await error.WriteLineAsync($"mcpguard: {TerminalText.Printable(problem)}");
            }

            if (listed.Problems.Count > 0)
            {
                await error.WriteLineAsync("mcpguard: the lock file was not written; a tool that cannot be pinned "
                    + "is always treated as new or changed.");
                return ExitCodes.Failure;
            }

            var report = PinReport.Compare(target.Existing, listed.Tools);
            await PinReportText.WriteAsync(output, report, target.File, existed: target.Existing is not null);
            foreach (var flag in ToolTextFlags.Find(tools))
            {
                // Pinned or not, a reviewer should know what the text says to the model (docs/results.md#tool-text).
                await output.WriteLineAsync($"flagged: {TerminalText.Printable(flag.Message)}");
            }

            if (checkOnly)
            {
                return report.HasDrift ? ExitCodes.Failure : ExitCodes.Success;
            }

            if (!report.HasDrift && target.Existing is not null)
            {
                await output.WriteLineAsync($"{target.File}: up to date, not rewritten.");
                return ExitCodes.Success;
            }

            if (await LockFileTarget.WriteAsync(target.File, LockFileWriter.Write(listed.Tools), cancellationToken)
                is NewFileWrite.Failed failed)
            {
                await error.WriteLineAsync($"mcpguard: cannot write {TerminalText.Printable(target.File)}: "
                    + $"{failed.Why}; the lock file was not written.");
                return failed.ByUser ? ExitCodes.UsageOrPolicyError : ExitCodes.Failure;
            }

            await output.WriteLineAsync(
                $"Wrote {target.File} ({listed.Tools.Count} tools). Review the change and commit it with the policy.");
            if (!target.PolicyPins)
            {
                await output.WriteLineAsync("The policy has no pins: block yet, so nothing enforces it; add "
                    + $"`pins: {{ file: {Path.GetFileName(target.File)} }}` (docs/pins.md).");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
