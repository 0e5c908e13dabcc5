using System.Globalization;

namespace McpGuard.Audit;

/// <summary>Used when no audit path is configured: every write "succeeds" without storing anything.</summary>
internal sealed class NullAuditLog : IAuditLog
{
    private long _sequence;

    public string NewCallId() => Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);

    public bool TryWriteDecision(AuditDecisionRecord record) => true;

    public bool TryWriteOutcome(AuditOutcomeRecord record) => true;

    public bool TryWriteLimitsReset(AuditLimitsResetRecord record) => true;

    public void Dispose()
    {
    }
}
