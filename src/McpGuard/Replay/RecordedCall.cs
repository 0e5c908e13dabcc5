using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;

namespace McpGuard.Replay;

/// <summary>
/// One judged <c>tools/call</c> of an audit log, gathered from its decision records (same <c>call_id</c>).
/// </summary>
internal sealed record RecordedCall
{
    public required string CallId { get; init; }

    public required string Tool { get; init; }

    /// <summary>When the guard first decided the call; the replay's clock stands here for it.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The line of its first decision record (1-based).</summary>
    public required long Line { get; init; }

    /// <summary>
    /// What the guard did: the policy's verdict, or the limit's denial after it (approvals count as require_approval).
    /// </summary>
    public required CallVerdict Verdict { get; set; }

    public string? RuleId { get; set; }

    /// <summary>A person approved it (it was forwarded and counted, unless a limit refused it then).</summary>
    public bool Approved { get; set; }

    /// <summary>The recorded <c>arguments</c> (an object, a hash string, or Undefined when absent).</summary>
    public JsonElement Arguments { get; init; }

    public required AuditArgumentsRecorded ArgumentsRecorded { get; init; }

    /// <summary>
    /// The tool's risk class as the guard recorded it (from its name, the server's annotations and the policy of the
    /// time).
    /// </summary>
    public RiskClass? Risk { get; init; }

    /// <summary>
    /// How the tool's definition compared with its pin when the guard decided, as far as the record tells: a call
    /// decided by <c>pins.on_change</c> or <c>pins.on_new</c> had drifted; others are taken as not drifted.
    /// </summary>
    public PinDrift Drift { get; init; }
}
