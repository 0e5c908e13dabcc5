using System.CommandLine;
using McpGuard.Audit;
using McpGuard.Inventory;
using McpGuard.Replay;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard replay --policy FILE AUDIT.jsonl [--json] [--fail-on-change]</c>: what this policy would have decided
/// (docs/testing.md).
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var policyOption = CommonOptions.Policy();
        var file = new Argument<string>("audit")
        {
            Description = "The audit log (JSON Lines) whose calls are decided again.",
        };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var failOnChange = new Option<bool>("--fail-on-change")
        {
            Description = "Exit 1 when any recorded call would be decided differently (a CI gate for a policy edit).",
        };
        var serverName = CommonOptions.ServerName();
        var command = new Command(
            "replay",
            "Decide the calls of an audit log again under a policy, in order and on their recorded clock, and show "
                + "what changes.")
        {
            policyOption, file, json, failOnChange, serverName,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (await ServerInspection.LoadPolicyAsync(
                    parseResult.GetValue(policyOption)!, error, "nothing was replayed") is not { } policy)
            {
                return ExitCodes.UsageOrPolicyError;
            }

            var path = AuditPaths.Expand(parseResult.GetRequiredValue(file));
            RecordedLog log;
            try
            {
                using var reader = AuditLogInput.Open(path);
                log = await RecordedCallReader.ReadAsync(reader, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return await AuditLogInput.CannotReadAsync(error, path, exception);
            }

            // A CI gate aimed at the wrong file must not pass: a log with nothing to decide again is a failure.
            if (NothingToReplay(log) is { } why)
            {
                await error.WriteLineAsync(
                    $"mcpguard: {TerminalText.Printable(path)} {why}; nothing was replayed.");
                return ExitCodes.Failure;
            }

            var report = AuditReplay.Run(policy, log, parseResult.GetValue(serverName));
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(ReplayReportJson.Format(policy.Source, path, report));
            }
            else
            {
                ReplayReportText.Write(output, policy.Source, path, report);
            }

            return parseResult.GetValue(failOnChange) && report.Changed.Any() ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Why a log gives replay nothing to decide, or null when it holds at least one recorded call.</summary>
    private static string? NothingToReplay(RecordedLog log) => log switch
    {
        { Lines: 0 } => "is empty",
        { Records: 0 } => $"is not an audit log: none of its {Lines(log.Lines)} is an audit record (docs/audit.md)",
        { Calls.Count: 0, NotJudged: > 0 } =>
            $"holds no call a policy judged ({log.NotJudged} unknown-tool, invalid, sampled or listing record(s) only)",
        { Calls.Count: 0 } => $"holds no recorded tool call ({log.Records} record(s), none a decision on a tools/call)",
        _ => null,
    };

    private static string Lines(long count) => count == 1 ? "1 line" : $"{count} lines";
}
