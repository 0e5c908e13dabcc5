using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Http;
using McpGuard.Policy.Decide;

namespace McpGuard.Tests.Http;

public sealed class AgentAuditLogTests
{
    [Fact]
    public void For_NoAuditLog_IsTheNullLogItself()
    {
        // Wrapped, the session took it for a real log: it built each call's records and kept its arguments for them.
        using var none = new NullAuditLog();

        Assert.Same(none, AgentAuditLog.For(none, "trader"));
    }

    [Fact]
    public void For_NoAgent_IsTheLogItself()
    {
        using var log = new RecordingLog();

        Assert.Same(log, AgentAuditLog.For(log, null));
    }

    [Fact]
    public void For_AnAgentAndALog_NamesTheAgentOnEveryRecord()
    {
        using var log = new RecordingLog();
        using var agentLog = AgentAuditLog.For(log, "trader");
        var id = JsonElement.Parse("1");

        Assert.True(agentLog.TryWriteDecision(new AuditDecisionRecord
        {
            CallId = "c-1", RequestId = id, Tool = "echo", Decision = CallVerdict.Allow, Agent = "someone else",
        }));
        Assert.True(agentLog.TryWriteOutcome(new AuditOutcomeRecord
        {
            CallId = "c-1", Duration = TimeSpan.FromMilliseconds(1), IsError = false,
        }));

        Assert.Equal("trader", Assert.Single(log.Decisions).Agent);
        Assert.Equal("trader", Assert.Single(log.Outcomes).Agent);
    }

    private sealed class RecordingLog : IAuditLog
    {
        public List<AuditDecisionRecord> Decisions { get; } = [];

        public List<AuditOutcomeRecord> Outcomes { get; } = [];

        public string NewCallId() => "c-1";

        public bool TryWriteDecision(AuditDecisionRecord record)
        {
            Decisions.Add(record);
            return true;
        }

        public bool TryWriteOutcome(AuditOutcomeRecord record)
        {
            Outcomes.Add(record);
            return true;
        }

        public bool TryWriteLimitsReset(AuditLimitsResetRecord record) => true;

        public void Dispose()
        {
        }
    }
}
