using McpGuard.Audit;

namespace McpGuard.Session;

/// <summary>
/// The session's audit log, with every decision also shown to telemetry: the audit record is the one place every
/// tools/call decision is written (unknown and hidden names included), so the spans and counters see exactly what
/// the audit sees. The record is passed on first; telemetry never changes whether it was stored.
/// </summary>
internal sealed class TracedAuditLog(IAuditLog inner, RequestSpans spans) : IAuditLog
{
    public string NewCallId() => inner.NewCallId();

    public bool TryWriteDecision(AuditDecisionRecord record)
    {
        var stored = inner.TryWriteDecision(record);
        spans.Decided(record);
        return stored;
    }

    public bool TryWriteOutcome(AuditOutcomeRecord record)
    {
        var stored = inner.TryWriteOutcome(record);
        spans.Concluded(record);
        return stored;
    }

    public bool TryWriteLimitsReset(AuditLimitsResetRecord record) => inner.TryWriteLimitsReset(record);

    /// <summary>The inner log belongs to whoever opened it (one per process), not to this session.</summary>
    public void Dispose()
    {
    }
}
