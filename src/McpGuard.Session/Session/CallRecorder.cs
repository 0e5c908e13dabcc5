using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Risk;

namespace McpGuard.Session;

/// <summary>
/// Writes the gate's record of each decision: the audit record, written before a call is forwarded (a call that
/// cannot be recorded is denied: <see cref="AuditUnavailable"/>), and the decision on the call's telemetry span.
/// </summary>
internal sealed class CallRecorder(SessionChannels channels, IAuditLog audit, SessionOptions options)
{
    /// <summary>A new audit call id: one per logical call, shared by its decision and result records.</summary>
    public string NewCallId() => audit.NewCallId();

    /// <summary>
    /// Whether an audit log reads a call's arguments after the pump moved on (without one nothing reads them again,
    /// so a held call need not copy them).
    /// </summary>
    public bool KeepsArguments => audit is not NullAuditLog;

    /// <returns>False when the record could not be stored (the audit log's own warning is already on stderr).</returns>
    public bool TryRecord(
        JsonRpcId id,
        string callId,
        ToolRequest? request,
        PolicyDecision? decision,
        CallVerdict recorded,
        string? ruleId,
        string? reason,
        bool sampled = false)
    {
        var risk = decision is null ? null : RiskClassWords.Word(decision.Risk);
        channels.Spans?.Decided(id, callId, request?.ToolName, recorded, ruleId, risk);
        if (audit is NullAuditLog)
        {
            return true;
        }

        return audit.TryWriteDecision(new AuditDecisionRecord
        {
            CallId = callId,
            RequestId = id.ToJsonElement(),
            Tool = request?.ToolName,
            Decision = recorded,
            RuleId = ruleId,
            Reason = reason,
            Detail = decision?.Detail,
            Risk = risk,
            Arguments = request?.Arguments.ValueKind == JsonValueKind.Object ? request.Arguments : null,
            Monitor = options.Monitor,
            Sampled = sampled,
            Agent = AuditAgent(request),
        });
    }

    /// <summary>
    /// The agent an audit record names (docs/audit.md): the session's one agent (in <c>run</c> the local user, in a
    /// 2025 <c>serve</c> session the authenticated agent), or on the shared child the request's own.
    /// </summary>
    public string? AuditAgent(ToolRequest? request) => options.RequestAgents is null ? options.Agent : request?.Agent;

    /// <summary>The answer to a call whose record could not be written: nothing is forwarded unrecorded.</summary>
    public static GateOutcome.Reply AuditUnavailable(JsonRpcId id, ProtocolEra era) =>
        new(JsonRpcMessages.Denied(
            id,
            "the audit log cannot be written, so no call is forwarded until it can (see the guard's stderr).",
            era));
}
