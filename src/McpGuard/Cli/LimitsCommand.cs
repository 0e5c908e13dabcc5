using System.CommandLine;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Settings;
using McpGuard.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard limits --policy FILE [--json] [--reset ENTRY]</c>: every limit and budget of the policy with what
/// its store has counted, and a person's override: <c>--reset</c> clears one entry's counters, audited first.
/// </summary>
internal static class LimitsCommand
{
    public static Command Create(TimeProvider? timeProvider = null)
    {
        var clock = timeProvider ?? TimeProvider.System;
        var policyOption = CommonOptions.Policy();
        var json = new Option<bool>("--json") { Description = "Print the limits as JSON." };
        var reset = new Option<string>("--reset")
        {
            Description = "Clear every counter of ENTRY (a tools entry as written in the policy, or 'limits' for the "
                + "global rate limit); recorded in the audit log.",
            HelpName = "ENTRY",
        };
        var command = new Command(
            "limits", "Show every rate limit and budget: used, max, when it frees up; --reset clears one.")
        {
            policyOption, json, reset,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var loaded = PolicyLoader.LoadFile(parseResult.GetValue(policyOption)!.FullName);
            if (!loaded.Succeeded)
            {
                await PolicyErrors.WriteAsync(error, loaded, "no limit was read");
                return ExitCodes.UsageOrPolicyError;
            }

            var policy = loaded.Policy!;
            if (policy.State.Store == StateStoreKind.Memory)
            {
                // A memory store lives inside each running guard: this process would read (or clear) a fresh one of
                // its own and show zeros that are nobody's.
                await error.WriteLineAsync("mcpguard: the policy's store is memory: each running guard counts "
                    + "in its own memory, from zero at its start, and nothing outside it can read or reset that "
                    + "(docs/limits.md#stores); use store: sqlite or redis to see them here.");
                return ExitCodes.UsageOrPolicyError;
            }

            var store = await CounterStores.OpenAsync(policy.State, NullLogger.Instance);
            try
            {
                if (parseResult.GetValue(reset) is { } written)
                {
                    return await ResetAsync(policy, store, written, error, output, cancellationToken);
                }

                var rows = await LimitReport.BuildAsync(policy, store, clock.GetUtcNow(), cancellationToken);
                if (parseResult.GetValue(json))
                {
                    await output.WriteLineAsync(LimitsJson.Format(store.Description, policy.CounterNamespace, rows));
                }
                else
                {
                    LimitsText.Write(output, store.Description, policy.CounterNamespace, rows, clock.GetUtcNow());
                }

                return ExitCodes.Success;
            }
            catch (CounterStoreException ex)
            {
                await error.WriteLineAsync($"mcpguard: {TerminalText.Printable(ex.Message)}");
                return ExitCodes.Failure;
            }
            finally
            {
                if (store is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync();
                }
            }
        });
        return command;
    }

    private static async Task<int> ResetAsync(
        CompiledPolicy policy,
        ICounterStore store,
        string written,
        TextWriter error,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        if (LimitReport.FindEntry(policy, written) is not { } entry)
        {
            var known = policy.Entries.Where(e => e.RateLimit is not null || e.Budget is not null)
                .Select(e => e.Pattern.Pattern)
                .Concat(policy.GlobalRateLimit is not null ? [CounterId.GlobalEntry] : []).ToList();
            await error.WriteLineAsync($"mcpguard: '{TerminalText.Printable(written)}' is not an entry with a "
                + $"limit in this policy (entries with limits: "
                + $"{(known.Count == 0 ? "none" : TerminalText.Printable(string.Join(", ", known)))}).");
            return ExitCodes.UsageOrPolicyError;
        }

        // The record comes first: a reset that cannot be audited does not happen.
        var live = (await store.ReadAsync(policy.CounterNamespace, TimeProvider.System.GetUtcNow(), cancellationToken))
            .Count(r => r.Counter.Entry == entry);
        var auditPath = policy.Audit.Path ?? AuditPaths.DefaultLog;
        using (var audit = new AuditLog(auditPath, policy.Audit.Arguments, "mcpguard limits", NullLogger.Instance))
        {
            var record = new AuditLimitsResetRecord
            {
                CallId = audit.NewCallId(),
                Entry = entry,
                Namespace = policy.CounterNamespace,
                Store = store.Description,
                Counters = live,
                User = Environment.UserName,
            };
            if (!audit.TryWriteLimitsReset(record))
            {
                await error.WriteLineAsync($"mcpguard: cannot write the audit log "
                    + $"{TerminalText.Printable(audit.Path)}, so nothing was reset.");
                return ExitCodes.Failure;
            }
        }

        var cleared = await store.ResetAsync(policy.CounterNamespace, entry, cancellationToken);
        await output.WriteLineAsync($"Reset {TerminalText.Printable(written)}: "
            + $"{cleared} counter{(cleared == 1 ? "" : "s")} cleared in {TerminalText.Printable(store.Description)} "
            + $"(recorded in {TerminalText.Printable(AuditPaths.Expand(auditPath))}).");
        return ExitCodes.Success;
    }
}
