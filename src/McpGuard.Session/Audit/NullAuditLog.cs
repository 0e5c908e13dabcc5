using System.Security.Cryptography;

namespace McpGuard.Audit;

/// <summary>
/// Used when no audit path is configured: every write "succeeds" without storing anything. Its call ids are still
/// <c>SESSION-N</c> with a random session, as a log's are (docs/audit.md): an approval command and the in-band
/// approval state see them, and ids that restart at 1 in every guard would name different calls alike.
/// </summary>
internal sealed class NullAuditLog : IAuditLog
{
    private readonly string _session = Convert.ToHexStringLower(KernelRandom.GetBytes(8));
    private long _sequence;

    public string NewCallId() =>
        CallIds.Format(_session, Interlocked.Increment(ref _sequence));

    public bool TryWriteDecision(AuditDecisionRecord record) => true;

    public bool TryWriteOutcome(AuditOutcomeRecord record) => true;

    public bool TryWriteLimitsReset(AuditLimitsResetRecord record) => true;

    public void Dispose()
    {
    }
}
