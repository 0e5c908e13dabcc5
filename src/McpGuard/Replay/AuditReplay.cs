using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Proving;
using McpGuard.Policy.Risk;

namespace McpGuard.Replay;

/// <summary>
/// Decides recorded calls again under a policy, in their order and on their recorded clock, with fresh counters
/// (limits included), cleared where a person's <c>limits --reset</c> cleared them. A call whose record lacks arguments
/// the new decision reads is not replayed, and counts nothing.
/// </summary>
internal static class AuditReplay
{
    /// <param name="serverName">The name the recorded server reports for itself (it picks the vendor risk
    /// catalogue).</param>
    public static ReplayReport Run(CompiledPolicy policy, RecordedLog log, string? serverName = null)
    {
        var start = log.Calls.Count > 0 ? log.Calls[0].Time : DateTimeOffset.UnixEpoch;
        var guard = new GuardSimulator(policy, start, serverName);
        var replayed = new List<ReplayedCall>(log.Calls.Count);
        var reset = 0;
        foreach (var call in log.Calls)
        {
            for (; reset < log.Resets.Count && log.Resets[reset].Line < call.Line; reset++)
            {
                guard.MoveTo(log.Resets[reset].Time);
                guard.ResetLimit(log.Resets[reset].Entry);
            }

            guard.MoveTo(call.Time);
            var arguments = call.ArgumentsRecorded is AuditArgumentsRecorded.Full or AuditArgumentsRecorded.Redacted
                && call.Arguments.ValueKind == JsonValueKind.Object ? call.Arguments : default;
            var request = new ToolRequest
            {
                ToolName = call.Tool,
                Arguments = arguments,
                Risk = Risk(policy, call, serverName),

                // A pin's verdict is taken as recorded: the tool's definition then is not in the log.
                Drift = call.Drift,
            };

            // A person's answer is taken as recorded: an approved call is approved again if it still needs approval.
            if (call.ArgumentsRecorded != AuditArgumentsRecorded.Full)
            {
                var missing = guard.ArgumentsRead(request, call.Approved)
                    .Where(path => call.ArgumentsRecorded != AuditArgumentsRecorded.Redacted
                        || !RecordedArguments.CanRead(call.Arguments, path))
                    .DistinctBy(path => path.Text)
                    .ToList();
                if (missing.Count > 0)
                {
                    replayed.Add(new ReplayedCall { Recorded = call, MissingArguments = missing });
                    continue;
                }
            }

            replayed.Add(new ReplayedCall { Recorded = call, Decision = guard.Decide(request, call.Approved) });
        }

        return new ReplayReport { Calls = replayed, NotJudged = log.NotJudged, Malformed = log.Malformed };
    }

    /// <summary>
    /// The class to judge a recorded call by. The log holds the class the guard saw, which annotations may have
    /// raised above the name's (replay has no server to ask) but which an old <c>risk</c> override may have
    /// lowered: so the higher of the two. The new policy's own overrides still come first.
    /// </summary>
    private static RiskClass? Risk(CompiledPolicy policy, RecordedCall call, string? serverName) =>
        call.Risk is { } recorded
            ? (RiskClass)Math.Max((int)recorded, (int)policy.Classify(call.Tool, null, serverName))
            : null;
}
