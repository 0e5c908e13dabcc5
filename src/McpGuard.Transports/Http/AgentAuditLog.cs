using McpGuard.Audit;

namespace McpGuard.Http;

/// <summary>
/// The audit log as one agent's session sees it: every decision and outcome it writes names that agent
/// (docs/audit.md, <c>agent</c>). The log itself belongs to serve, which disposes it.
/// </summary>
internal sealed class AgentAuditLog(IAuditLog log, string agent) : IAuditLog
{
    /// <summary>
    /// The log a session of <paramref name="agent"/> writes to: <paramref name="log"/> itself when there is no agent,
    /// or no log (<see cref="NullAuditLog"/>: the session then neither builds records nor keeps a call's arguments
    /// for them, which a wrapper around it did on every counted call for nothing: bench/HISTORY.md, sixteenth session).
    /// </summary>
    public static IAuditLog For(IAuditLog log, string? agent) =>
        agent is null || log is NullAuditLog ? log : new AgentAuditLog(log, agent);

    public string NewCallId() => log.NewCallId();

    public bool TryWriteDecision(AuditDecisionRecord record) => log.TryWriteDecision(record with { Agent = agent });

    public bool TryWriteOutcome(AuditOutcomeRecord record) => log.TryWriteOutcome(record with { Agent = agent });

    public bool TryWriteLimitsReset(AuditLimitsResetRecord record) => log.TryWriteLimitsReset(record);

    public void Dispose()
    {
    }
}
