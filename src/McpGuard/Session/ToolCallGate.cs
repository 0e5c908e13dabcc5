using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;
using McpGuard.Telemetry;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace McpGuard.Session;

/// <summary>
/// Decides every tools/call before the server sees it: hidden or unknown → "Unknown tool"; then the policy;
/// then limits, counted only when the call is really forwarded; then the audit record, written before
/// forwarding (a call that cannot be recorded is denied). Calls that must wait (for the guard's own
/// tools/list, or for a person) are held off the pump by <see cref="HeldCalls"/>, so other traffic keeps flowing.
/// </summary>
internal sealed partial class ToolCallGate(
    SessionChannels channels,
    PolicyEngine engine,
    ToolListFetcher fetcher,
    HeldCalls held,
    IApprover approver,
    ApprovalStateToken tokens,
    InBandApprovals inBand,
    IAuditLog audit,
    SessionOptions options,
    string serverName,
    ILogger logger)
{
    /// <summary>The calls waiting for something mechanical, in arrival order (docs/relay.md#arrival-order).</summary>
    private readonly ArrivalOrder _order = new();

    /// <summary>The calls held for their counts, sent in arrival order by one sender (made on first use: its
    /// sender is this gate's).</summary>
    private CountedCalls? _countedCalls;

    private CountedCalls Counted =>
        _countedCalls ??= new CountedCalls(SendCountedAsync, () => channels.ToServer.FlushAsync(held.Stopping));

    /// <summary>
    /// What a person is shown as the server: the operator's name for it, else its command's — the name the desk's
    /// picture and the audit log use too, so one guard has one label. Never the server's own <c>serverInfo.name</c>:
    /// a server must not name itself to the person who approves its calls.
    /// </summary>
    private string ApprovalLabel => options.ServerLabel ?? serverName;

    /// <summary>Handles a validated tools/call request whose id is already registered as in flight.</summary>
    /// <param name="policy">The snapshot the message is handled under: it decides, counts and concludes the whole
    /// call, whatever a reload does meanwhile.</param>
    /// <param name="read">The call's name and arguments if telemetry read them already, else null.</param>
    public async ValueTask HandleAsync(
        ClientMessage message,
        ReadOnlySequence<byte> line,
        CompiledPolicy policy,
        ToolCall? read,
        CancellationToken cancellationToken)
    {
        var id = message.Id!.Value;
        if (!ToolCall.TryRead(message.Params, read, out var call, out var problem))
        {
            Record(id, audit.NewCallId(), null, default, CallVerdict.Invalid, null, problem);
            await ReplyAsync(id, JsonRpcMessages.Error(id, McpErrorCode.InvalidParams.AsInt(), problem), cancellationToken);
            return;
        }

        var era = ModernMeta.EraOf(message.Params);
        if (era == ProtocolEra.Modern && _order.ListingWaiting && CountsOnArrival(message.Params))
        {
            // A retry, or a call carrying the model's picks, would be judged and counted right here, before an
            // earlier call that waits for the guard's listing: it waits its turn behind it instead, then is handled
            // as if it arrived then.
            var turn = _order.Take(listing: true);
            held.Hold(id, line, message.Params, heldCall => DecideInTurnAsync(heldCall, policy, turn));
            return;
        }

        await DecideAsync(message, call, line, policy, era, inTurn: null, cancellationToken);
    }

    /// <summary>
    /// A tools/call decided now: on the pump (<paramref name="inTurn"/> null), or off it once its turn came, when
    /// it owns that turn: it then counts and forwards in place (it is the oldest call still out) and never takes a
    /// new turn.
    /// </summary>
    private async ValueTask DecideAsync(
        ClientMessage message,
        ToolCall call,
        ReadOnlySequence<byte> line,
        CompiledPolicy policy,
        ProtocolEra era,
        HeldTurn? inTurn,
        CancellationToken cancellationToken)
    {
        var id = message.Id!.Value;
        if (era == ProtocolEra.Modern && PickedTool.InInputResponses(message.Params) is { Count: > 0 } picks
            && await JudgePicksAsync(picks, id, policy, cancellationToken) is PicksOutcome.Refused refused)
        {
            // The retry carries the model's picks to the server, which would run them: denied whole.
            var request = new ToolRequest { ToolName = call.Name, Arguments = call.Arguments, Agent = AgentOf(id) };
            await ReplyAsync(id, Refuse(id, audit.NewCallId(), request, refused.Reason, RuleId.Sampling).Message, cancellationToken);
            return;
        }

        if (era == ProtocolEra.Modern && InputRequiredRetry.RequestState(message.Params) is { } requestState)
        {
            await HandleRetryAsync(policy, message, call, requestState, line, inTurn, cancellationToken);
            return;
        }

        var callId = audit.NewCallId();
        if (inTurn is null && _order.ListingWaiting)
        {
            // An earlier call waits for the guard's listing: this one is decided after it.
            var behind = _order.Take(listing: true);
            held.Hold(id, line, message.Params, heldCall => DecideHeldAsync(heldCall, policy, callId, behind));
            return;
        }

        var outcome = Judge(id, callId, Decide(policy, id, call, era), era);
        if (outcome is GateOutcome.Count count)
        {
            outcome = await CountThenConcludeAsync(
                policy, id, callId, count, era, line, inTurn is not null, cancellationToken);
        }

        switch (outcome)
        {
            case GateOutcome.Ask ask when AsksInBandFirst(policy, message.Params, era):
                await AskInBandAsync(policy, id, callId, ask.Decision, cancellationToken);
                break;
            case GateOutcome.Forward:
                // Off the pump nobody ends a batch: the call goes out at once.
                await channels.ForwardAsync(id, line, flush: inTurn is not null, cancellationToken);
                break;
            case GateOutcome.Reply reply:
                await ReplyAsync(id, reply.Message, cancellationToken);
                break;
            case GateOutcome.Held:
                break; // Until the store answers.
            case GateOutcome.ListFirst or GateOutcome.Ask when inTurn is { } own:
                // Already off the pump and in its turn: listed (or asked about) in that turn.
                await DecideHeldAsync(own.Call, policy, callId, own.Turn);
                break;
            case GateOutcome.ListFirst:
                // Decided off the pump, on a copy of the bytes, so other traffic keeps flowing meanwhile; later
                // calls wait behind it (its turn), so they are still decided in the order they arrived.
                var turn = _order.Take(listing: true);
                held.Hold(id, line, message.Params, heldCall => DecideHeldAsync(heldCall, policy, callId, turn));
                break;
            case GateOutcome.Ask:
                // Waits for a person, off the pump: later traffic passes it.
                held.Hold(id, line, message.Params, heldCall => DecideHeldAsync(heldCall, policy, callId, turn: null));
                break;
        }
    }

    /// <summary>
    /// The call decided by <see cref="CallDecider"/> as this session sees its tool: the class the catalog keeps for
    /// a listed tool (under this policy and the server's reported name), how its definition compares with its pin
    /// (docs/pins.md), whether the list is complete, the era, any person's answer, and who calls (serve's shared
    /// child carries several agents' requests: <see cref="SessionOptions.RequestAgents"/>).
    /// </summary>
    private CallDecision Decide(
        CompiledPolicy policy, JsonRpcId id, ToolCall call, ProtocolEra era, bool freshlyListed = false, PersonAnswer? answer = null, bool picked = false)
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

    /// <summary>
    /// A 2026-07-28 call that is judged (and counted) as soon as it arrives, before the listing an earlier call
    /// waits for: the retry of an input-required round, or a call carrying the model's picks.
    /// </summary>
    private static bool CountsOnArrival(JsonElement parameters) =>
        InputRequiredRetry.RequestState(parameters) is not null
        || PickedTool.InInputResponses(parameters) is { Count: > 0 };

    /// <summary>Who sent request <paramref name="id"/>: the session's agent, or on the shared child its own.</summary>
    public string AgentOf(JsonRpcId id) => options.RequestAgents?.AgentOf(id) ?? options.Agent;

    /// <summary>Whether the server's requests come from several agents (serve's shared 2026-07-28 child).</summary>
    public bool SharedByAgents => options.RequestAgents is not null;

    /// <summary>
    /// The client withdrew a call (notifications/cancelled): if it is being held, drop it unanswered.
    /// </summary>
    public void Withdraw(JsonRpcId id) => held.Withdraw(id);

    /// <summary>
    /// What the gate does with a decision: list first; answer an unknown or hidden name "Unknown tool"; ask a person
    /// (nothing is recorded yet then); count an allowed call (<see cref="GateOutcome.Count"/>, off the pump if the
    /// store must be waited for); else <see cref="Conclude"/>. Under --monitor a call that needs a person is not
    /// asked: it is recorded as such and forwarded uncounted, like a denied one.
    /// </summary>
    private GateOutcome Judge(JsonRpcId id, string callId, CallDecision decision, ProtocolEra era)
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
                Record(id, callId, request, default, unknown.Verdict, byPin?.RuleId.Text, byPin?.Reason);
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
    /// The last step: take an allowed (or approved) call's count (<paramref name="counted"/>, or counted here),
    /// record the decision, then forward or answer with a denial. Under --monitor only the audit log's failure blocks.
    /// </summary>
    private GateOutcome Conclude(JsonRpcId id, string callId, ToolRequest request, PolicyDecision decision, CallVerdict recorded, ProtocolEra era, string? approvedArgumentsHash = null, LimitOutcome? counted = null)
    {
        var receipt = LimitReceipt.Empty;
        if (decision.Verdict == Verdict.Allow)
        {
            switch (counted ?? throw new InvalidOperationException("an allowed call reached the audit record uncounted (count it through GateOutcome.Count)"))
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

        if (!Record(id, callId, request, decision, recorded, decision.RuleId, decision.Reason))
        {
            GiveBack(receipt);
            return AuditUnavailable(id, era);
        }

        if (decision.Verdict != Verdict.Allow)
        {
            if (options.Monitor)
            {
                LogMonitored(logger, request.ToolName, decision.RuleId);
            }
            else
            {
                LogDenied(logger, request.ToolName, decision.RuleId);
            }

            if (decision.Detail is { } detail)
            {
                LogDeniedDetail(logger, request.ToolName, detail);
            }

            if (!options.Monitor)
            {
                return new GateOutcome.Reply(JsonRpcMessages.Denied(id, decision.Reason ?? $"denied by {decision.RuleId}.", era));
            }
        }
        else
        {
            LogAllowed(logger, request.ToolName, decision.RuleId);
        }

        if (channels.AwaitingServer.TryGet(id, out var pending))
        {
            pending.Call = new ForwardedCall(callId, request.ToolName, Stopwatch.GetTimestamp(), era, approvedArgumentsHash)
            {
                Receipt = receipt,
                Agent = AuditAgent(request),
            };
        }

        return GateOutcome.Forward.Instance;
    }

    /// <summary>
    /// Counts an allowed call, then concludes it. A store that does not answer at once (a durable one waiting for
    /// another guard, or slow) never stalls the pump: the call is held with <paramref name="forward"/>, the bytes that
    /// go to the server, and sent in arrival order by <see cref="CountedCalls"/>: <see cref="GateOutcome.Held"/>.
    /// </summary>
    /// <param name="inTurn">The call owns its turn off the pump: the count is awaited in place.</param>
    private async ValueTask<GateOutcome> CountThenConcludeAsync(
        CompiledPolicy policy,
        JsonRpcId id,
        string callId,
        GateOutcome.Count count,
        ProtocolEra era,
        ReadOnlySequence<byte> forward,
        bool inTurn,
        CancellationToken cancellationToken)
    {
        // With other requests of this client still at the server, the client pipelines: the call joins the store's
        // next group commit rather than committing alone on this thread (CallsBehind).
        ValueTask<LimitOutcome> counting;
        CallsBehind.Waiting = channels.AwaitingServer.Count > 1;
        try
        {
            counting = engine.TryConsumeAsync(policy, count.Decision.Request, cancellationToken);
        }
        finally
        {
            CallsBehind.Waiting = false;
        }

        if (!inTurn && (!counting.IsCompleted || _order.AnyWaiting))
        {
            HoldForCount(id, forward, callId, count, era, counting.AsTask());
            return GateOutcome.Held.Instance;
        }

        return Conclude(id, callId, count, era, await counting);
    }

    /// <summary>The request with its own copy of the arguments, which outlives the pump's document.</summary>
    private static ToolRequest Kept(ToolRequest request) => request.Arguments.ValueKind == JsonValueKind.Undefined
        ? request
        : request with { Arguments = request.Arguments.Clone() };

    /// <summary>Concludes a counted call.</summary>
    private GateOutcome Conclude(JsonRpcId id, string callId, GateOutcome.Count count, ProtocolEra era, LimitOutcome counted) =>
        Conclude(id, callId, count.Decision.Request, count.Decision.Decision, count.Decision.Verdict, era, count.ApprovedArgumentsHash, counted);

    private void GiveBack(LimitReceipt receipt)
    {
        if (!receipt.IsEmpty)
        {
            channels.Background.Run(() => GiveBackCounts.RunAsync(engine, receipt, logger));
        }
    }

    private static GateOutcome.Reply AuditUnavailable(JsonRpcId id, ProtocolEra era) =>
        new(JsonRpcMessages.Denied(id, "the audit log cannot be written, so no call is forwarded until it can (see the guard's stderr).", era));

    /// <returns>False when the record could not be stored (the audit log's own warning is already on stderr).</returns>
    private bool Record(JsonRpcId id, string callId, ToolRequest? request, PolicyDecision? decision, CallVerdict recorded, string? ruleId, string? reason, bool sampled = false)
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
    private string? AuditAgent(ToolRequest? request) => options.RequestAgents is null ? options.Agent : request?.Agent;

    private static byte[] UnknownTool(JsonRpcId id, string toolName) =>
        JsonRpcMessages.Error(id, McpErrorCode.InvalidParams.AsInt(), $"Unknown tool: {toolName}");

    /// <summary>
    /// Answers the client instead of the server; flushed at once, since the client pump batches only towards the
    /// server.
    /// </summary>
    private async ValueTask ReplyAsync(JsonRpcId id, byte[] reply, CancellationToken cancellationToken)
    {
        // Only the step that takes the request out of the table answers it, so it is never answered twice
        // (when the child dies, the shutdown may already have answered a held call).
        if (channels.AwaitingServer.TryTake(id, out var pending))
        {
            await channels.AnswerClientAsync(pending, reply, flush: true, cancellationToken);
        }
    }
}
