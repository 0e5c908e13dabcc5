using System.CommandLine;
using McpGuard.Audit;

namespace McpGuard.Cli;

internal static class AuditCommand
{
    public static Command Create(TimeProvider? timeProvider = null)
    {
        var clock = timeProvider ?? TimeProvider.System;
        var file = new Argument<string>("file")
        {
            Description = $"The audit log to summarise (default {AuditPaths.DefaultLogText}).",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => AuditPaths.DefaultLog,
        };
        var since = new Option<string>("--since")
        {
            Description = "Only records at or after TIME: ISO-8601 (UTC unless stated) or 90s, 30m, 1h, 2d, 1w ago.",
        };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var command = new Command(
            "audit", "Summarise an audit log: calls per tool and decision, latest denials, approvals.")
        {
            file, since, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            DateTimeOffset? from = null;
            if (parseResult.GetValue(since) is { } sinceText)
            {
                if (!AuditSince.TryParse(sinceText, clock.GetUtcNow(), out var parsed))
                {
                    await error.WriteLineAsync(
                        $"mcpguard: --since '{TerminalText.Printable(sinceText)}' is neither an ISO-8601 time "
                            + $"nor a span like 30m, 1h, 2d.");
                    return ExitCodes.UsageOrPolicyError;
                }

                from = parsed;
            }

            var path = AuditPaths.Expand(parseResult.GetRequiredValue(file));
            AuditSummary summary;
            try
            {
                using var reader = AuditLogInput.Open(path);
                summary = await AuditSummaryReader.ReadAsync(reader, path, from, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return await AuditLogInput.CannotReadAsync(error, path, exception);
            }

            // As `replay` does: a summary of "0 calls" would hide that the wrong file was given.
            if (summary.Records == 0 && summary.Lines > 0 && summary.Malformed > 0)
            {
                var lines = summary.Malformed == 1 ? "1 line" : $"{summary.Malformed} lines";
                await error.WriteLineAsync($"mcpguard: {TerminalText.Printable(path)} is not an audit log: "
                    + $"none of its {lines} is an audit record (docs/audit.md).");
                return ExitCodes.Failure;
            }

            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(AuditSummaryJson.Format(summary));
            }
            else
            {
                AuditSummaryText.Write(output, summary);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
