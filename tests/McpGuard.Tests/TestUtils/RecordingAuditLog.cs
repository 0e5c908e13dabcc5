using System.Collections.Concurrent;
using McpGuard.Audit;

namespace McpGuard.Tests.TestUtils;

/// <summary>
/// An audit log in memory, for relay tests that check what was recorded. Arguments are kept as the text they had
/// when the record was written (as the real log writes them), in <see cref="ArgumentsWritten"/>.
/// </summary>
internal sealed class RecordingAuditLog : IAuditLog
{
    private int _next;

    public ConcurrentQueue<AuditDecisionRecord> Decisions { get; } = new();

    public ConcurrentQueue<AuditOutcomeRecord> Outcomes { get; } = new();

    /// <summary>Each decision's call id and its arguments' JSON text at the time it was written.</summary>
    public ConcurrentQueue<(string CallId, string? Arguments)> ArgumentsWritten { get; } = new();

    public string NewCallId() => $"test-{Interlocked.Increment(ref _next)}";

    public bool TryWriteDecision(AuditDecisionRecord record)
    {
        // The arguments belong to a document the relay disposes after the call: only their text is kept.
        ArgumentsWritten.Enqueue((record.CallId, record.Arguments?.GetRawText()));
        Decisions.Enqueue(record with { Arguments = null });
        return true;
    }

    public bool TryWriteOutcome(AuditOutcomeRecord record)
    {
        Outcomes.Enqueue(record with { RequestId = null });
        return true;
    }

    public bool TryWriteLimitsReset(AuditLimitsResetRecord record) => true;

    public void Dispose()
    {
    }
}
