using McpGuard.Audit;

namespace McpGuard.Http;

/// <summary>
/// The audit log as one agent's session sees it: every decision and outcome it writes names that agent
/// (docs/audit.md, <c>agent</c>). The log itself belongs to serve, which disposes it.
/// </summary>
internal sealed class AgentAuditLog(IAuditLog log, string agent) : IAuditLog
{
    public string NewCallId() => log.NewCallId();

    public bool TryWriteDecision(AuditDecisionRecord record) => log.TryWriteDecision(record with { Agent = agent });

    public bool TryWriteOutcome(AuditOutcomeRecord record) => log.TryWriteOutcome(record with { Agent = agent });

    public bool TryWriteLimitsReset(AuditLimitsResetRecord record) => log.TryWriteLimitsReset(record);

    public void Dispose()
    {
    }
}
