using System.Collections.Concurrent;
using McpGuard.Policy.Decide;
using McpGuard.Telemetry;

namespace McpGuard.Session;

/// <summary>
/// The decision and approval counters of one session (docs/telemetry.md): every decision the gate records, and for
/// a call a person answered, the channel that asked, remembered from the question until the answer is recorded.
/// </summary>
internal sealed class DecisionCounts
{
    /// <summary>
    /// The channel that answered each call asked about, by audit call id, until its decision is recorded.
    /// </summary>
    private readonly ConcurrentDictionary<string, string?> _askedOn = new(StringComparer.Ordinal);

    /// <summary>
    /// A person was asked about a call through <paramref name="channel"/> (null: no channel could ask).
    /// </summary>
    public void Asked(string callId, string? channel) => _askedOn[callId] = channel;

    /// <summary>Counts the decision; returns its audit word, and the channel that answered an approval.</summary>
    public string Count(string callId, string? tool, CallVerdict verdict, string? ruleId, out string? channel)
    {
        var decision = DecisionWords.Audit(verdict);
        var toolLabel = verdict is CallVerdict.UnknownTool or CallVerdict.Hidden
            ? TelemetryNames.UnlistedToolLabel
            : tool ?? TelemetryNames.InvalidToolLabel;
        GuardTelemetry.Decisions.Add(1, new LabelValues(decision, ruleId, toolLabel));
        channel = null;
        if (verdict is CallVerdict.Approved or CallVerdict.Refused or CallVerdict.Cancelled)
        {
            // A call approved in band (2026-07-28 input_required) never went through the approver: elicitation.
            channel = _askedOn.TryRemove(callId, out var askedOn) ? askedOn ?? "none" : "elicitation";
            GuardTelemetry.Approvals.Add(1, new LabelValues(decision, channel, null));
        }

        return decision;
    }
}
