using System.Globalization;
using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;

namespace McpGuard.Replay;

/// <summary>
/// Reads an audit log's decision records (docs/audit.md, versions 1 and 2) into the calls they judged, in the order
/// of their first record, and the <c>limits_reset</c> records between them. Outcome records and records of unknown
/// types are skipped; bad lines are counted.
/// </summary>
internal static class RecordedCallReader
{
    public static async Task<RecordedLog> ReadAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var calls = new List<RecordedCall>();
        var byId = new Dictionary<string, RecordedCall>(StringComparer.Ordinal);
        var resets = new List<RecordedReset>();
        int notJudged = 0, malformed = 0, records = 0;
        long number = 0, lines = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            lines++;
            switch (Add(line, number, calls, byId, resets))
            {
                case LineKind.Malformed:
                    malformed++;
                    continue;
                case LineKind.NotJudged:
                    notJudged++;
                    break;
            }

            records++;
        }

        return new RecordedLog
        {
            Calls = calls,
            Resets = resets,
            NotJudged = notJudged,
            Malformed = malformed,
            Records = records,
            Lines = lines,
        };
    }

    private enum LineKind { Used, Skipped, NotJudged, Malformed }

    private static LineKind Add(
        string line,
        long number,
        List<RecordedCall> calls,
        Dictionary<string, RecordedCall> byId,
        List<RecordedReset> resets)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return LineKind.Malformed;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "type") is not { } type)
            {
                return LineKind.Malformed;
            }

            if (type == "limits_reset")
            {
                if (Text(root, "entry") is not { } entry || Time(root) is not { } resetAt)
                {
                    return LineKind.Malformed;
                }

                resets.Add(new RecordedReset { Entry = entry, Time = resetAt, Line = number });
                return LineKind.Used;
            }

            if (type != "decision")
            {
                return LineKind.Skipped;
            }

            if (Text(root, "call_id") is not { } callId
                || !DecisionWords.TryParseAudit(Text(root, "decision"), out var decision)
                || Time(root) is not { } time)
            {
                return LineKind.Malformed;
            }

            if (byId.TryGetValue(callId, out var earlier))
            {
                // How an approval ended, or a limit that refused the call once it was approved.
                earlier.Approved |= decision == CallVerdict.Approved;
                if (decision == CallVerdict.Deny)
                {
                    earlier.Verdict = CallVerdict.Deny;
                    earlier.RuleId = Text(root, "rule");
                }

                return LineKind.Used;
            }

            // A tool the client's model picked in a sampling answer ("sampled": true) was never a tools/call, and a
            // call whose tools/list failed (rule "listing") was never decided: replay decides calls the policy
            // decided only (docs/testing.md).
            if (decision is CallVerdict.UnknownTool or CallVerdict.Invalid || Text(root, "tool") is not { } tool
                || Text(root, "rule") == RuleId.Listing.Text
                || (root.TryGetProperty("sampled", out var sampled) && sampled.ValueKind == JsonValueKind.True))
            {
                return LineKind.NotJudged;
            }

            var arguments = root.TryGetProperty("arguments", out var recorded) ? recorded.Clone() : default;
            var call = new RecordedCall
            {
                CallId = callId,
                Tool = tool,
                Time = time,
                Line = number,
                Verdict = DecisionWords.Proven(decision),
                RuleId = Text(root, "rule"),
                Approved = decision == CallVerdict.Approved,
                Arguments = arguments,
                ArgumentsRecorded = AuditArgumentsRecordedText.TryParse(Text(root, "arguments_recorded"), out var kind)
                    ? kind
                    : Guess(arguments),
                Risk = Enum.TryParse<RiskClass>(Text(root, "risk"), ignoreCase: true, out var risk)
                    && Enum.IsDefined(risk) ? risk : null,
                Drift = Text(root, "rule") switch
                {
                    "pins.on_change" => PinDrift.Changed,
                    "pins.on_new" => PinDrift.New,
                    _ => PinDrift.None,
                },
            };
            calls.Add(call);
            byId[callId] = call;
            return LineKind.Used;
        }
    }

    /// <summary>
    /// A version 1 record does not say what its arguments hold: a hash is a string; an object with a
    /// <c>"[redacted]"</c> value under a secret-looking name may have been redacted; without the field, the
    /// arguments may have been left out (mode <c>none</c>). Each guess errs towards "not in full".
    /// </summary>
    private static AuditArgumentsRecorded Guess(JsonElement arguments) => arguments.ValueKind switch
    {
        JsonValueKind.Undefined => AuditArgumentsRecorded.None,
        JsonValueKind.String => AuditArgumentsRecorded.Hash,
        _ => RecordedArguments.MayBeRedacted(arguments) ? AuditArgumentsRecorded.Redacted : AuditArgumentsRecorded.Full,
    };

    private static DateTimeOffset? Time(JsonElement root) =>
        DateTimeOffset.TryParse(
            Text(root, "time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
