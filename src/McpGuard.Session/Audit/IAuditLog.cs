namespace McpGuard.Audit;

/// <summary>
/// Where the relay records its decisions. It knows nothing of files: a write either succeeds or returns false,
/// and a false decision write means the call must be denied (fail closed: docs/audit.md#guarantees). Thread-safe.
/// </summary>
internal interface IAuditLog : IDisposable
{
    /// <summary>A new id, unique across sessions, linking a call's decision, approval and outcome records.</summary>
    string NewCallId();

    /// <summary>Appends one decision line. Call it before forwarding; false means the record is not stored.</summary>
    bool TryWriteDecision(AuditDecisionRecord record);

    /// <summary>Appends one outcome line for a forwarded call; false means the record is not stored.</summary>
    bool TryWriteOutcome(AuditOutcomeRecord record);

    /// <summary>
    /// Appends the record of a person's <c>mcpguard limits --reset</c>; false means it is not stored (and nothing is
    /// reset).
    /// </summary>
    bool TryWriteLimitsReset(AuditLimitsResetRecord record);
}
