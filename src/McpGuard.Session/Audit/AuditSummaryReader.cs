using System.Globalization;
using System.Text.Json;
using McpGuard.Policy.Decide;

namespace McpGuard.Audit;

/// <summary>
/// Reads an audit log line by line into an <see cref="AuditSummary"/>. Bad lines are counted, never thrown.
/// </summary>
internal sealed class AuditSummaryReader
{
    private const int MaxDenials = 10;
    private const int MaxMalformedLines = 10;

    private readonly Dictionary<string, Dictionary<string, long>> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _pendingApprovals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sessions = new(StringComparer.Ordinal);
    private readonly Queue<AuditDenial> _denials = new();
    private readonly List<long> _malformedLines = [];
    private readonly List<double> _durations = [];
    private readonly DateTimeOffset? _since;
    private long _lines, _blank, _decisions, _outcomes, _malformed, _errors, _cancelledOutcomes;
    private long _requested, _approved, _refused, _cancelled, _lateAnswers, _lateErrors;
    private DateTimeOffset? _from, _to;

    private AuditSummaryReader(DateTimeOffset? since) => _since = since;

    public static async Task<AuditSummary> ReadAsync(
        TextReader reader, string source, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var summary = new AuditSummaryReader(since);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            summary._lines++;
            if (string.IsNullOrWhiteSpace(line))
            {
                summary._blank++;
            }
            else if (!summary.TryAdd(line))
            {
                summary._malformed++;
                if (summary._malformedLines.Count < MaxMalformedLines)
                {
                    summary._malformedLines.Add(summary._lines);
                }
            }
        }

        return summary.ToSummary(source);
    }

    private bool TryAdd(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryGetString(root, "type", out var type)
                || !TryGetString(root, "time", out var timeText)
                || !DateTimeOffset.TryParse(
                    timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                || !TryGetString(root, "call_id", out var callId))
            {
                return false;
            }

            if (time < _since)
            {
                return true;
            }

            var added = type switch
            {
                "decision" => TryAddDecision(root, callId, time),
                "outcome" => TryAddOutcome(root),
                "late_answer" => TryAddLateAnswer(root),
                _ => true, // a record type from a newer version: not malformed, just not summarised
            };
            if (added)
            {
                _from = _from is null || time < _from ? time : _from;
                _to = _to is null || time > _to ? time : _to;
                if (TryGetString(root, "session", out var session))
                {
                    _sessions.Add(session);
                }
            }

            return added;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private bool TryAddDecision(JsonElement root, string callId, DateTimeOffset time)
    {
        if (!TryGetString(root, "decision", out var name) || !DecisionWords.TryParseAudit(name, out var decision))
        {
            return false;
        }

        var tool = TryGetString(root, "tool", out var toolName) ? toolName : "(none)";
        var monitor = root.TryGetProperty("monitor", out var flag) && flag.ValueKind == JsonValueKind.True;
        _decisions++;
        if (!monitor && decision is CallVerdict.Approved or CallVerdict.Refused or CallVerdict.Cancelled)
        {
            // The call was counted as require_approval when it was asked; it ends here instead.
            var asked = false;
            if (_pendingApprovals.Remove(callId, out var askedTool))
            {
                asked = true;
                Count(askedTool, DecisionWords.Audit(CallVerdict.RequireApproval), -1);
            }

            // A call withdrawn before it was forwarded, no person asked: a call, not an approval.
            _ = decision == CallVerdict.Cancelled && !asked ? 0
                : decision == CallVerdict.Approved ? _approved++
                : decision == CallVerdict.Refused ? _refused++
                : _cancelled++;
        }
        else if (!monitor && decision == CallVerdict.RequireApproval)
        {
            _requested++;
            _pendingApprovals[callId] = tool;
        }

        Count(tool, monitor ? "monitor:" + name : name, 1);
        if (DecisionWords.IsDenial(decision))
        {
            _denials.Enqueue(new AuditDenial(
                time, tool, name, OptionalString(root, "rule"), OptionalString(root, "reason"), monitor));
            if (_denials.Count > MaxDenials)
            {
                _denials.Dequeue();
            }
        }

        return true;
    }

    private bool TryAddOutcome(JsonElement root)
    {
        if (!root.TryGetProperty("duration_ms", out var duration) || duration.ValueKind != JsonValueKind.Number
            || !root.TryGetProperty("is_error", out var isError)
            || isError.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }

        _outcomes++;
        if (root.TryGetProperty("cancelled", out var cancelled) && cancelled.ValueKind == JsonValueKind.True)
        {
            // Cancelled by the client after forwarding: not answered, and its duration runs to the cancellation.
            _cancelledOutcomes++;
            return true;
        }

        _durations.Add(duration.GetDouble());
        _errors += isError.GetBoolean() ? 1 : 0;
        return true;
    }

    /// <summary>
    /// The server's answer to a call the client had cancelled (its outcome, marked cancelled, came first): not a
    /// second outcome, and not in the durations, which run to the answer the client got.
    /// </summary>
    private bool TryAddLateAnswer(JsonElement root)
    {
        if (!root.TryGetProperty("is_error", out var isError)
            || isError.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }

        _lateAnswers++;
        _lateErrors += isError.GetBoolean() ? 1 : 0;
        return true;
    }

    private void Count(string tool, string decision, long delta)
    {
        if (!_counts.TryGetValue(tool, out var byDecision))
        {
            _counts[tool] = byDecision = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        byDecision[decision] = byDecision.GetValueOrDefault(decision) + delta;
    }

    private AuditSummary ToSummary(string source)
    {
        _durations.Sort();
        var tools = _counts
            .Select(pair => new AuditToolCounts(
                pair.Key, pair.Value.Where(c => c.Value != 0).ToDictionary(StringComparer.Ordinal)))
            .Where(t => t.Decisions.Count > 0)
            .OrderByDescending(t => t.Total).ThenBy(t => t.Tool, StringComparer.Ordinal)
            .ToList();
        return new AuditSummary
        {
            Source = source,
            Since = _since,
            Lines = _lines,
            Records = _lines - _blank - _malformed,
            Decisions = _decisions,
            Outcomes = _outcomes,
            Malformed = _malformed,
            MalformedLines = _malformedLines,
            From = _from,
            To = _to,
            Sessions = _sessions.Count,
            Tools = tools,
            LatestDenials = [.. _denials],
            Approvals = new AuditApprovalCounts(_requested, _approved, _refused, _cancelled, _pendingApprovals.Count),
            OutcomeErrors = _errors,
            OutcomeCancelled = _cancelledOutcomes,
            LateAnswers = _lateAnswers,
            LateAnswerErrors = _lateErrors,
            MedianDurationMs = _durations.Count == 0 ? null : _durations[_durations.Count / 2],
            MaxDurationMs = _durations.Count == 0 ? null : _durations[^1],
        };
    }

    private static bool TryGetString(JsonElement root, string name, out string value)
    {
        var found = root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String;
        value = found ? element.GetString()! : "";
        return found;
    }

    private static string? OptionalString(JsonElement root, string name) =>
        TryGetString(root, name, out var value) ? value : null;
}
