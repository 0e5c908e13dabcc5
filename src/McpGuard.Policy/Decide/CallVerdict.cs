namespace McpGuard.Policy.Decide;

/// <summary>
/// What happened to one tools/call: the one vocabulary of the live gate's audit records, <c>mcpguard test</c>,
/// <c>replay</c> and <c>explain</c>. <see cref="DecisionWords"/> is the one place it meets its words. A policy
/// rule's own action (<see cref="Verdict"/>) is the first three of these.
/// </summary>
// Public only because test theories take it as a parameter, and xunit test classes must be public.
public enum CallVerdict
{
    /// <summary>The policy allowed the call; it is forwarded.</summary>
    Allow,

    /// <summary>The policy denied the call (rule, default, failed condition, limit); answered by the guard.</summary>
    Deny,

    /// <summary>The policy asks a person; a later record with the same call id says how it ended.</summary>
    RequireApproval,

    /// <summary>A person approved a <see cref="RequireApproval"/> call; it is forwarded.</summary>
    Approved,

    /// <summary>Approval was refused, timed out, or no channel was available; the reason says which.</summary>
    Refused,

    /// <summary>The client withdrew a call that was awaiting approval (<c>notifications/cancelled</c>).</summary>
    Cancelled,

    /// <summary>The server did not list this name in the session; answered "Unknown tool".</summary>
    UnknownTool,

    /// <summary>The policy (or a pin) hides this tool; answered "Unknown tool".</summary>
    Hidden,

    /// <summary>The call's params were invalid (-32602); not judged, not forwarded.</summary>
    Invalid,
}
