using System.Buffers;
using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// The 2026-07-28 era's input-required rounds (docs/approval.md#the-2026-07-28-era): the guard asks for approval
/// with an input_required answer of its own, and every retry, the guard's or the server's, is judged again.
/// </summary>
/// <param name="decideHeld">The gate's decision of a held call, for a server's round whose tool must be listed
/// first.</param>
/// <param name="label">What a person is shown as the server: the operator's name for it, else its command's, never
/// the server's own name (a server must not name itself to the person who approves its calls).</param>
/// <param name="logger">The gate's logger: these lines keep its category.</param>
internal sealed partial class InputRequiredRounds(
    SessionChannels channels,
    CallJudge judge,
    CallRecorder recorder,
    CallCounter counter,
    ClientReplies replies,
    ApprovalStateToken tokens,
    InBandApprovals inBand,
    HeldCalls held,
    ArrivalOrder order,
    Func<HeldCall, CompiledPolicy, string, ArrivalOrder.Turn?, Task> decideHeld,
    SessionOptions options,
    string label,
    ILogger logger)
{
    private const ProtocolEra Era = ProtocolEra.Modern;

    /// <summary>
    /// In the modern era the guard cannot send the client a request, so "elicitation" means its own
    /// input_required answer, possible when the call's capabilities declare form elicitation. The channels are
    /// tried in order: the channels before elicitation ask off the pump, and when none of them can, the
    /// elicitation channel answers <see cref="ApprovalOutcome.InBand"/>.
    /// </summary>
    public bool CanAskInBand(CompiledPolicy policy, JsonElement parameters, ProtocolEra era) =>
        era == ProtocolEra.Modern
        && !options.Monitor
        && policy.Approval.Channels.Contains(ElicitationChannel.ChannelName)
        && ClientCapabilityStage.DeclaresFormElicitation(parameters);

    /// <summary>
    /// Elicitation is the first channel, so the question can be sent at once, without holding the call.
    /// </summary>
    public bool AsksInBandFirst(CompiledPolicy policy, JsonElement parameters, ProtocolEra era) =>
        policy.Approval.Channels is [ElicitationChannel.ChannelName, ..] && CanAskInBand(policy, parameters, era);

    /// <summary>Asks the client with the call's answer (input_required), recording the question first.</summary>
    /// <param name="recorded">The question is on record already (asked first through another channel).</param>
    public async ValueTask AskInBandAsync(
        CompiledPolicy policy,
        JsonRpcId id,
        string callId,
        CallDecision.Ask ask,
        CancellationToken cancellationToken,
        bool recorded = false)
    {
        var (request, decision) = (ask.Request, ask.Decision);
        if (!recorded && !recorder.TryRecord(
                id, callId, request, decision, CallVerdict.RequireApproval, decision.RuleId, decision.Reason))
        {
            await replies.ReplyAsync(id, CallRecorder.AuditUnavailable(id, Era).Message, cancellationToken);
            return;
        }

        var claims = new ApprovalClaims(
            request.ToolName,
            ApprovalStateToken.HashArguments(request.Arguments),
            channels.Clock.GetUtcNow() + policy.Approval.Timeout,
            callId,
            request.Agent);
        inBand.Asked(claims);
        LogAskedInBand(logger, request.ToolName);
        var question = new ApprovalRequest(
            callId, label, request.ToolName, request.Arguments, decision.RuleId, decision.Reason)
        {
            Agent = request.Agent,
        };
        var reply = JsonRpcMessages.ApprovalQuestion(id, question, tokens.Mint(claims));
        await replies.ReplyAsync(id, reply, cancellationToken);
    }

    /// <summary>A modern tools/call that carries a <c>requestState</c>: the retry of an input-required round.</summary>
    public async ValueTask HandleRetryAsync(
        CompiledPolicy policy,
        ClientMessage message,
        ToolCall call,
        string requestState,
        ReadOnlySequence<byte> line,
        HeldTurn? inTurn,
        CancellationToken cancellationToken)
    {
        var id = message.Id!.Value;
        if (!ApprovalStateToken.LooksLikeOurs(requestState))
        {
            await HandleServerRoundAsync(policy, message, call, requestState, line, inTurn, cancellationToken);
            return;
        }

        var request = new ToolRequest { ToolName = call.Name, Arguments = call.Arguments, Agent = judge.AgentOf(id) };
        GateOutcome outcome;
        var callId = ""; // Set where the outcome can be a count: the call the question was about.
        switch (tokens.Read(requestState, channels.Clock.GetUtcNow()))
        {
            case ApprovalStateReading.Valid { Claims: var claims } when claims.Agent == request.Agent
                && !inBand.TryAnswer(claims):
                outcome = judge.Refuse(
                    id,
                    claims.CallId,
                    request,
                    "this approval question was already answered: one approval covers one call; call the tool again "
                    + "to be asked.");
                break;
            case ApprovalStateReading.Valid { Claims: var claims }:
                var argumentsHash = ApprovalStateToken.HashArguments(call.Arguments);

                // Another agent's question (the person was shown who asked) is neither answered nor used up by it:
                // that agent's call is judged as its own.
                var sameAgent = claims.Agent == request.Agent;
                callId = sameAgent ? claims.CallId : recorder.NewCallId();
                var decided = judge.Decide(policy, id, call, Era);
                outcome = judge.Judge(id, callId, decided, Era);
                if (outcome is GateOutcome.Ask ask)
                {
                    if (!sameAgent || claims.ToolName != call.Name || claims.ArgumentsHash != argumentsHash)
                    {
                        // The retry changed what was asked about, or who asks: that is a new question, unless its
                        // limits would refuse the call anyway.
                        outcome = await judge.BeforeAskingAsync(policy, id, callId, ask, Era, cancellationToken);
                        if (outcome is GateOutcome.Ask stillAsk)
                        {
                            await AskInBandAsync(policy, id, callId, stillAsk.Decision, cancellationToken);
                            return;
                        }

                        break;
                    }

                    var approved = InputRequiredRetry.ApprovesExplicitly(message.Params);
                    LogApproval(logger, call.Name, approved);
                    PersonAnswer answer = approved
                        ? new PersonAnswer.Approved("approved in the client (elicitation).")
                        : new PersonAnswer.Refused("the person refused in the client (elicitation).");
                    outcome = judge.Judge(id, callId, judge.Decide(policy, id, call, Era, answer: answer), Era);
                    if (outcome is GateOutcome.Count count)
                    {
                        outcome = count with { ApprovedArgumentsHash = argumentsHash };
                    }
                }

                break;
            case ApprovalStateReading.Expired:
                outcome = judge.Refuse(
                    id,
                    recorder.NewCallId(),
                    request,
                    "the approval question expired before its answer arrived; call the tool again to be asked.");
                break;
            default:
                outcome = judge.Refuse(
                    id,
                    recorder.NewCallId(),
                    request,
                    "the retry's approval state was not issued by this guard (forged, altered or from an earlier "
                    + "run); call the tool again to be asked.");
                break;
        }

        // The server never sees the guard's question, answer or state.
        var forward = outcome is GateOutcome.Count or GateOutcome.Forward
            ? InputRequiredRetry.WithoutGuardKeys(message.Document.RootElement)
            : [];
        if (outcome is GateOutcome.Count counted)
        {
            // Held until the store answers, if it must be: the held copy is the bytes without the guard's keys.
            outcome = await counter.CountThenConcludeAsync(
                policy, id, callId, counted, Era, new ReadOnlySequence<byte>(forward), inTurn is not null,
                cancellationToken);
        }

        switch (outcome)
        {
            case GateOutcome.Held or GateOutcome.Withdrawn:
                break;
            case GateOutcome.Forward:
                await channels.ToServer.SendAsync(forward, flush: inTurn is not null, cancellationToken);
                break;
            case GateOutcome.Reply reply:
                await replies.ReplyAsync(id, reply.Message, cancellationToken);
                break;
            default:
                // The tool list changed under the round (a reload): the held path would forward the guard's keys.
                var changed = judge.Refuse(
                    id,
                    recorder.NewCallId(),
                    request,
                    "the server's tool list changed during the approval; call the tool again.");
                await replies.ReplyAsync(id, changed.Message, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// The retry of a server's own input-required round: judged like any call and forwarded byte for byte. It
    /// continues the logical call the server asked about, so an approval given for that call is not asked again
    /// while the tool and arguments stay the same.
    /// </summary>
    private async ValueTask HandleServerRoundAsync(
        CompiledPolicy policy,
        ClientMessage message,
        ToolCall call,
        string requestState,
        ReadOnlySequence<byte> line,
        HeldTurn? inTurn,
        CancellationToken cancellationToken)
    {
        var id = message.Id!.Value;
        var continued = inBand.TryContinue(requestState, judge.AgentOf(id), out var link);
        var callId = link?.CallId ?? recorder.NewCallId();
        var decided = judge.Decide(policy, id, call, Era);
        var outcome = judge.Judge(id, callId, decided, Era);
        if (outcome is GateOutcome.Ask)
        {
            var argumentsHash = ApprovalStateToken.HashArguments(call.Arguments);
            if (continued && link!.ApprovedArgumentsHash == argumentsHash && link.ToolName == call.Name)
            {
                var answer = new PersonAnswer.Approved("approved earlier in this call.");
                outcome = judge.Judge(id, callId, judge.Decide(policy, id, call, Era, answer: answer), Era);
                if (outcome is GateOutcome.Count count)
                {
                    outcome = count with { ApprovedArgumentsHash = argumentsHash };
                }
            }
            else if (AsksInBandFirst(policy, message.Params, Era))
            {
                // Asking in band would replace the server's requestState with the guard's and lose its round.
                outcome = judge.Refuse(
                    id,
                    callId,
                    decided.Request,
                    "this retry of the server's input-required round needs a new approval (its tool or arguments "
                    + "changed since one was given); call the tool again.");
            }
        }

        if (outcome is GateOutcome.Count counted)
        {
            outcome = await counter.CountThenConcludeAsync(
                policy, id, callId, counted, Era, line, inTurn is not null, cancellationToken);
        }

        switch (outcome)
        {
            case GateOutcome.Held or GateOutcome.Withdrawn:
                break; // Until the store answers.
            case GateOutcome.Forward:
                await channels.ToServer.SendAsync(line, flush: inTurn is not null, cancellationToken);
                break;
            case GateOutcome.Reply reply:
                await replies.ReplyAsync(id, reply.Message, cancellationToken);
                break;
            case GateOutcome when inTurn is { } own:
                await decideHeld(own.Call, policy, callId, own.Turn);
                break;
            default:
                var turn = order.Take(listing: true);
                held.Hold(id, line, message.Params, heldCall => decideHeld(heldCall, policy, callId, turn));
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Approval for tool {ToolName}: asked in the client (input_required).")]
    private static partial void LogAskedInBand(ILogger logger, string toolName);

    // The same line as for an answer from another channel (HeldCallDecider).
    [LoggerMessage(Level = LogLevel.Information, Message = "Approval for tool {ToolName}: approved = {Approved}.")]
    private static partial void LogApproval(ILogger logger, string toolName, bool approved);
}
