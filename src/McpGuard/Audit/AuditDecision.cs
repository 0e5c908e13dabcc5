namespace McpGuard.Audit;

/// <summary>What happened to one <c>tools/call</c>, as written in the <c>decision</c> field (docs/audit.md).</summary>
internal enum AuditDecision
{
    /// <summary>The policy allowed the call; it is forwarded.</summary>
    Allow,

    /// <summary>The policy denied the call (rule, default, failed condition, limit); answered by the guard.</summary>
    Deny,

    /// <summary>The policy asks a human; a later record with the same call id says how it ended.</summary>
    RequireApproval,

    /// <summary>A human approved a <see cref="RequireApproval"/> call; it is forwarded.</summary>
    Approved,

    /// <summary>Approval was refused, timed out, or no channel was available; the reason says which.</summary>
    Refused,

    /// <summary>The client withdrew a call that was awaiting approval (<c>notifications/cancelled</c>).</summary>
    Cancelled,

    /// <summary>The server did not list this name in the session; answered "Unknown tool".</summary>
    UnknownTool,

    /// <summary>The policy hides this tool; answered "Unknown tool".</summary>
    Hidden,

    /// <summary>The call's params were invalid (-32602); not judged, not forwarded.</summary>
    Invalid,
}
