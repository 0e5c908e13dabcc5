using System.Diagnostics;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Pins;
using McpGuard.Telemetry;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace McpGuard.Session;

/// <summary>
/// The gate's three steps for one call, whatever waits between them: <see cref="Decide"/> (the policy, as this
/// session sees the tool), <see cref="Judge"/> (what the gate does with that decision) and <see cref="Conclude"/>
/// (the count taken, the decision recorded, then forward or answer). The gate and its parts only choose when each
/// step runs: on the pump, off it, or once a person or the store answered.
/// </summary>
/// <param name="logger">The gate's logger: these lines keep its category (docs/approval.md quotes one).</param>
internal sealed partial class CallJudge(
    SessionChannels channels,
    PolicyEngine engine,
    CallRecorder recorder,
    SessionOptions options,
    ILogger logger)
{
    /// <summary>Who sent request <paramref name="id"/>: the session's agent, or on the shared child its own.</summary>
    public string AgentOf(JsonRpcId id) => options.RequestAgents?.AgentOf(id) ?? options.Agent;

    /// <summary>
    /// The call decided by <see cref="CallDecider"/> as this session sees its tool: the class the catalog keeps for
    /// a listed tool (under this policy and the server's reported name), how its definition compares with its pin
    /// (docs/pins.md), whether the list is complete, the era, any person's answer, and who calls (serve's shared
    /// child carries several agents' requests: <see cref="SessionOptions.RequestAgents"/>).
    /// </summary>
    public CallDecision Decide(
        CompiledPolicy policy,
        JsonRpcId id,
        ToolCall call,
        ProtocolEra era,
        bool freshlyListed = false,
        PersonAnswer? answer = null,
        bool picked = false)
    {
        var catalog = channels.Catalog;
        ToolSight sight = catalog.TryGetRisk(call.Name, policy, channels.ServerName, out var risk)
            ? ToolSight.Listed.Of(risk, catalog.TryGetTool(call.Name, out var tool) ? tool.Drift : PinDrift.None)
            : catalog.IsComplete ? ToolSight.NotListed.Complete : ToolSight.NotListed.Incomplete;
        return CallDecider.Decide(policy, new CallFacts
        {
            ToolName = call.Name,
            Arguments = call.Arguments,
            Agent = AgentOf(id),
            Sight = sight,
            ServerName = channels.ServerName,
            Modern = era == ProtocolEra.Modern,
            FreshlyListed = freshlyListed,
            Answer = answer,
            Picked = picked,
        });
    }

    /// <summary>The request of a call the policy never decided (its tools/list failed): named, not judged.</summary>
    public ToolRequest Undecided(JsonRpcId id, ToolCall call) =>
        new() { ToolName = call.Name, Arguments = call.Arguments, Agent = AgentOf(id) };

    /// <summary>
    /// What the gate does with a decision: list first; answer an unknown or hidden name "Unknown tool"; ask a person
    /// (nothing is recorded yet then); count an allowed call (<see cref="GateOutcome.Count"/>, off the pump if the
    /// store must be waited for); else <see cref="Conclude"/>. Under --monitor a call that needs a person is not
    /// asked: it is recorded as such and forwarded uncounted, like a denied one.
    /// </summary>
    public GateOutcome Judge(JsonRpcId id, string callId, CallDecision decision, ProtocolEra era)
    {
        var request = decision.Request;
        switch (decision)
        {
            case CallDecision.ListFirst:
                return GateOutcome.ListFirst.Instance;
            case CallDecision.Unknown unknown:
                LogUnknownTool(logger, request.ToolName);
                // Hidden by a pin rather than by the policy: the record says which pin rule and why (docs/pins.md).
                var byPin = unknown.ByPin ? unknown.Decision : null;
                recorder.TryRecord(id, callId, request, default, unknown.Verdict, byPin?.RuleId.Text, byPin?.Reason);
                return new GateOutcome.Reply(UnknownTool(id, request.ToolName));
            case CallDecision.Ask ask when !options.Monitor:
                return new GateOutcome.Ask(ask);
            case CallDecision.Ask ask:
                return Conclude(id, callId, request, ask.Decision, ask.Verdict, era);
            case CallDecision.Allow allow:
                return new GateOutcome.Count(allow);
            case CallDecision.Refuse refuse:
                return Conclude(id, callId, request, refuse.Decision, refuse.Verdict, era);
            default:
                throw new InvalidOperationException($"an undecided call ({decision.GetType().Name}).");
        }
    }

    /// <summary>
    /// Before a person is asked about a call: its limits, checked without counting. A call they would refuse anyway
    /// (a rate limit reached, a budget that this amount would overrun) is concluded as that refusal and nobody is
    /// asked (docs/approval.md); else the ask stands, and the call is counted once approved.
    /// </summary>
    public async ValueTask<GateOutcome> BeforeAskingAsync(
        CompiledPolicy policy,
        JsonRpcId id,
        string callId,
        GateOutcome.Ask ask,
        ProtocolEra era,
        CancellationToken cancellationToken)
    {
        var (request, asked) = (ask.Decision.Request, ask.Decision.Decision);
        if (await engine.CheckLimitsAsync(policy, request, cancellationToken) is not { } refused)
        {
            return ask;
        }

        GuardTelemetry.LimitRefused(refused.Refusal);
        var decision = asked with
        {
            Verdict = Verdict.Deny,
            RuleId = refused.Decision.RuleId,
            Reason = refused.Decision.Reason,
            Detail = refused.Decision.Detail,
        };
        return Conclude(id, callId, request, decision, CallVerdict.Deny, era);
    }

    /// <summary>Concludes a counted call.</summary>
    public GateOutcome Conclude(
        JsonRpcId id, string callId, GateOutcome.Count count, ProtocolEra era, LimitOutcome counted) =>
        Conclude(id, callId, count.Decision, count.ApprovedArgumentsHash, era, counted);

    /// <summary>Concludes a counted call whose <see cref="GateOutcome.Count"/> was never made (the pump's path).
    /// </summary>
    public GateOutcome Conclude(
        JsonRpcId id,
        string callId,
        CallDecision.Allow allow,
        string? approvedArgumentsHash,
        ProtocolEra era,
        LimitOutcome counted) =>
        Conclude(id, callId, allow.Request, allow.Decision, allow.Verdict, era, approvedArgumentsHash, counted);

    /// <summary>
    /// The last step: take an allowed (or approved) call's count (<paramref name="counted"/>, or counted here),
    /// record the decision, then forward or answer with a denial. Under --monitor only the audit log's failure
    /// blocks.
    /// </summary>
    private GateOutcome Conclude(
        JsonRpcId id,
        string callId,
        ToolRequest request,
        PolicyDecision decision,
        CallVerdict recorded,
        ProtocolEra era,
        string? approvedArgumentsHash = null,
        LimitOutcome? counted = null)
    {
        var receipt = LimitReceipt.Empty;
        if (decision.Verdict == Verdict.Allow)
        {
            switch (counted ?? throw new InvalidOperationException(
                "an allowed call reached the audit record uncounted (count it through GateOutcome.Count)"))
            {
                case LimitOutcome.Counted done:
                    receipt = done.Receipt;
                    break;
                case LimitOutcome.Uncounted uncounted:
                    // on_unavailable: allow: forwarded, and the audit record says it was not counted.
                    LogUncounted(logger, request.ToolName, engine.Counters.Description);
                    receipt = uncounted.Receipt;
                    decision = decision with { Reason = uncounted.Why };
                    break;
                case LimitOutcome.Refused refused:
                    decision = refused.Decision;
                    recorded = CallVerdict.Deny;
                    GuardTelemetry.LimitRefused(refused.Refusal);
                    break;
            }
        }

        // A call that will be forwarded is noted on its request first, atomically against a withdrawal: a call the
        // client cancelled while it was decided off the pump is not sent (the server had the cancellation already)
        // and is recorded as cancelled; one cancelled after this gets its outcome from the cancellation.
        if ((decision.Verdict == Verdict.Allow || options.Monitor)
            && !(channels.AwaitingServer.TryGet(id, out var pending) && pending.TrySetCall(new ForwardedCall(
                callId, request.ToolName, Stopwatch.GetTimestamp(), era, approvedArgumentsHash)
            {
                Receipt = receipt,
                Agent = recorder.AuditAgent(request),
            })))
        {
            GiveBack(receipt);
            LogWithdrawnBeforeForwarding(logger, request.ToolName);
            recorder.TryRecord(id, callId, request, decision, CallVerdict.Cancelled, decision.RuleId, WithdrawnReason);
            return GateOutcome.Withdrawn.Instance;
        }

        if (!recorder.TryRecord(id, callId, request, decision, recorded, decision.RuleId, decision.Reason))
        {
            GiveBack(receipt);
            return CallRecorder.AuditUnavailable(id, era);
        }

        if (decision.Verdict != Verdict.Allow)
        {
            if (options.Monitor && decision.Detail is { } monitored)
            {
                // One line, as a denial's: the operator's part rides on it.
                LogMonitoredDetail(logger, request.ToolName, decision.RuleId, monitored);
            }
            else if (options.Monitor)
            {
                LogMonitored(logger, request.ToolName, decision.RuleId);
            }
            else if (decision.Detail is { } detail)
            {
                // One line per denial: the operator's part rides on it (an approval refused: which channels, how to
                // set one up).
                LogDeniedDetail(logger, request.ToolName, decision.RuleId, detail);
            }
            else
            {
                LogDenied(logger, request.ToolName, decision.RuleId);
            }

            if (!options.Monitor)
            {
                return new GateOutcome.Reply(
                    JsonRpcMessages.Denied(id, decision.Reason ?? $"denied by {decision.RuleId}.", era));
            }
        }
        else
        {
            LogAllowed(logger, request.ToolName, decision.RuleId);
        }

        return GateOutcome.Forward.Instance;
    }

    /// <summary>
    /// A denial the gate makes itself (not a policy rule): recorded, then answered in the modern shape.
    /// </summary>
    public GateOutcome.Reply Refuse(
        JsonRpcId id, string callId, ToolRequest request, string reason, RuleId? ruleId = null)
    {
        var rule = ruleId ?? RuleId.Approval;
        LogDenied(logger, request.ToolName, rule);
        return recorder.TryRecord(id, callId, request, null, CallVerdict.Deny, rule, reason)
            ? new GateOutcome.Reply(JsonRpcMessages.Denied(id, reason, ProtocolEra.Modern))
            : CallRecorder.AuditUnavailable(id, ProtocolEra.Modern);
    }

    /// <summary>Gives a count back, off the pump, for a call that will not run after all.</summary>
    public void GiveBack(LimitReceipt receipt)
    {
        if (!receipt.IsEmpty)
        {
            channels.Background.Run(() => GiveBackCounts.RunAsync(engine, receipt, logger));
        }
    }

    /// <summary>The reason of a call withdrawn before it could be forwarded (docs/audit.md#decision).</summary>
    public const string WithdrawnReason = "withdrawn by the client before it was forwarded";

    private static byte[] UnknownTool(JsonRpcId id, string toolName) =>
        JsonRpcMessages.Error(id, McpErrorCode.InvalidParams.AsInt(), $"Unknown tool: {toolName}");

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Unknown or hidden tool {ToolName}: answered as unknown, not forwarded.")]
    private static partial void LogUnknownTool(ILogger logger, string toolName);

    // The reason is not logged: a policy's reason may quote argument values (docs/relay.md#logs); it is in the audit
    // log.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied tool {ToolName} by rule {RuleId}.")]
    private static partial void LogDenied(ILogger logger, string toolName, string ruleId);

    // Under --monitor the call ran: the line says so, and what the policy would have done (docs/policy.md).
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Monitor mode: forwarded tool {ToolName}, which rule {RuleId} would not allow.")]
    private static partial void LogMonitored(ILogger logger, string toolName, string ruleId);

    // The operator's part of a denial (channels tried, a store's diagnostic): never argument values, never sent to
    // the client.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied tool {ToolName} by rule {RuleId}: {Detail}")]
    private static partial void LogDeniedDetail(ILogger logger, string toolName, string ruleId, string detail);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Monitor mode: forwarded tool {ToolName}, which rule {RuleId} would not allow: {Detail}")]
    private static partial void LogMonitoredDetail(ILogger logger, string toolName, string ruleId, string detail);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Tool {ToolName} was withdrawn by the client before it was forwarded: not sent.")]
    private static partial void LogWithdrawnBeforeForwarding(ILogger logger, string toolName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Allowed tool {ToolName} by rule {RuleId}.")]
    private static partial void LogAllowed(ILogger logger, string toolName, string ruleId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Forwarded tool {ToolName} uncounted: {Store} cannot be reached and state.on_unavailable is allow.")]
    internal static partial void LogUncounted(ILogger logger, string toolName, string store);
}
