using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace McpGuard.Session;

/// <summary>
/// Decides a call the gate held off the pump (<see cref="HeldCalls"/>): it lists the server's tools first if the
/// tool is not known yet, asks a person if the policy says so, then forwards the call or answers it. The gate
/// holds a call and gives it its turn in the arrival order; this is what happens once the turn comes.
/// </summary>
/// <param name="logger">The gate's logger: these lines keep its category.</param>
internal sealed partial class HeldCallDecider(
    SessionChannels channels,
    PolicyEngine engine,
    ToolListFetcher fetcher,
    CallJudge judge,
    CallRecorder recorder,
    PersonApproval approval,
    InputRequiredRounds rounds,
    ClientReplies replies,
    ILogger logger)
{
    /// <summary>
    /// A held call: list the tools if needed, ask a person if needed, then forward or answer. It keeps the policy
    /// snapshot and the audit call id it arrived with. With a <paramref name="turn"/> it is decided only after every
    /// earlier call that waited for something mechanical, and gives the turn up once decided (or once it waits for
    /// a person).
    /// </summary>
    public async Task DecideAsync(HeldCall held, CompiledPolicy policy, string callId, ArrivalOrder.Turn? turn)
    {
        var id = held.Id;
        var cancellationToken = held.Token;
        ToolRequest? request = null;
        ToolCall call = default;
        var asked = false;
        PolicyDecision? approvedBy = null;
        try
        {
            if (turn is not null)
            {
                await turn.WaitAsync(cancellationToken);
            }

            var parameters = held.Params;
            var era = ModernMeta.EraOf(parameters);
            ToolCall.TryRead(parameters, out call, out _);
            var catalog = channels.Catalog;
            var refresh = era == ProtocolEra.Modern && catalog.IsComplete && !catalog.Contains(call.Name);
            await fetcher.EnsureCompleteAsync(policy, ModernMeta.EnvelopeOf(parameters), refresh, cancellationToken);
            var decided = judge.Decide(policy, id, call, era, freshlyListed: true);
            request = decided.Request;
            var outcome = judge.Judge(id, callId, decided, era);
            if (outcome is GateOutcome.Count count)
            {
                var counted = await engine.TryConsumeAsync(policy, request, cancellationToken);
                outcome = judge.Conclude(id, callId, count, era, counted);
            }

            if (outcome is GateOutcome.Ask asking)
            {
                outcome = await judge.BeforeAskingAsync(policy, id, callId, asking, era, cancellationToken);
            }

            if (outcome is GateOutcome.Ask inBandAsk && rounds.AsksInBandFirst(policy, parameters, era))
            {
                await rounds.AskInBandAsync(policy, id, callId, inBandAsk.Decision, cancellationToken);
                return;
            }

            if (outcome is GateOutcome.Ask { Decision: var ask })
            {
                var decision = ask.Decision;
                if (!recorder.TryRecord(
                        id, callId, request, decision, CallVerdict.RequireApproval, decision.RuleId, decision.Reason))
                {
                    outcome = CallRecorder.AuditUnavailable(id, era);
                }
                else
                {
                    asked = true;

                    // Only a call waiting for a person lets later traffic pass it, and a client that ended its input
                    // does not wait for it (GuardSession.SettleAsync).
                    turn?.End();
                    held.Settle();

                    // Not for the retry of a server's own round: the guard's question would replace the server's
                    // state.
                    var canAskInBand = rounds.CanAskInBand(policy, parameters, era)
                        && InputRequiredRetry.RequestState(parameters) is null;
                    var answer = await approval.AskAsync(
                        id, policy, callId, call, request, decision, parameters, canAskInBand, cancellationToken);
                    if (answer.AsksInBand)
                    {
                        // The channels before elicitation could not ask: the client is asked with the call's answer.
                        asked = false;
                        await rounds.AskInBandAsync(policy, id, callId, ask, cancellationToken, recorded: true);
                        return;
                    }

                    LogApproval(logger, call.Name, answer.Approved);
                    approvedBy = answer.Approved ? decision : null;
                    PersonAnswer person = answer.Approved
                        ? new PersonAnswer.Approved(answer.Reason)
                        : new PersonAnswer.Refused(answer.Reason, answer.Detail);
                    outcome = judge.Judge(
                        id, callId, judge.Decide(policy, id, call, era, freshlyListed: true, person), era);
                    if (outcome is GateOutcome.Count approved)
                    {
                        var hashed = approved with
                        {
                            ApprovedArgumentsHash = ApprovalStateToken.HashArguments(call.Arguments),
                        };
                        var counted = await engine.TryConsumeAsync(policy, request, cancellationToken);
                        outcome = judge.Conclude(id, callId, hashed, era, counted);
                    }
                }
            }

            await SendHeldAsync(held, outcome, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Withdrawn by the client: the request is over, nothing is forwarded. When the session ends instead
            // (the guard stopping, the client gone; in serve also DELETE, idleness, a revoked agent), the request
            // stays in the table so that the session's end answers it. The core does not know which of these it was.
            if (held.IsWithdrawn)
            {
                channels.AwaitingServer.TryRemove(id, out _);
            }

            if (asked && approvedBy is not null)
            {
                // A person approved it; it was withdrawn (or the session ended) while it was counted: recorded as a
                // call withdrawn before it was forwarded is (CallJudge.Conclude), under the rule that asked.
                var why = held.IsWithdrawn ? CallJudge.WithdrawnReason : "the session ended before it was forwarded";
                recorder.TryRecord(
                    id, callId, request, approvedBy, CallVerdict.Cancelled, approvedBy.RuleId, why);
            }
            else if (asked)
            {
                var why = held.IsWithdrawn
                    ? "withdrawn before a person answered"
                    : "the session ended before a person answered";
                recorder.TryRecord(id, callId, request, null, CallVerdict.Cancelled, RuleId.Approval, why);
            }
        }
        catch (ToolListRefusedException refused) when (ModernMeta.EraOf(held.Params) == ProtocolEra.Modern)
        {
            // What the client would have read without the guard: a 2025-only server refuses every modern request,
            // and a 2026-07-28 client falls back to initialize on that refusal (docs/relay.md#toolscall).
            LogModernListingRefused(logger, TerminalText.FirstLine(refused.Message));
            RecordUndecided(id, callId, call, "the server refused the guard's tools/list: " + refused.Message);
            await replies.TryReplyAsync(id, JsonRpcMessages.Error(id, refused.Error));
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or JsonException or InvalidOperationException)
        {
            if (request is null)
            {
                RecordUndecided(id, callId, call, CouldNotDecide + ex.Message);
            }

            await CouldNotDecideAsync(id, ex);
        }
        finally
        {
            turn?.End();
        }
    }

    private async Task SendHeldAsync(HeldCall held, GateOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case GateOutcome.Forward:
                await channels.ForwardAsync(held.Id, new(held.Line), flush: true, cancellationToken);
                break;
            case GateOutcome.Reply reply:
                await replies.ReplyAsync(held.Id, reply.Message, cancellationToken);
                break;
            case GateOutcome.Withdrawn:
                break;
            default:
                // Listed just now, so a second ListFirst cannot happen; an Ask was answered and a Count counted above.
                throw new InvalidOperationException($"A held call ended undecided ({outcome.GetType().Name}).");
        }
    }

    public Task CouldNotDecideAsync(JsonRpcId id, Exception exception)
    {
        LogHeldCallFailed(logger, TerminalText.FirstLine(exception.Message));
        return replies.TryReplyAsync(id, JsonRpcMessages.Error(
            id, McpErrorCode.InternalError.AsInt(), CouldNotDecide + exception.Message));
    }

    private const string CouldNotDecide = "McpGuard could not decide this call: ";

    /// <summary>
    /// A call answered before the policy could decide it, because its tools/list failed: not forwarded, and still
    /// one audit record, as every tools/call has (docs/audit.md#decision). The call is already refused, so a record
    /// that cannot be written changes nothing (the audit log warns on stderr itself).
    /// </summary>
    private void RecordUndecided(JsonRpcId id, string callId, ToolCall call, string reason)
    {
        var request = call.Name is null ? null : judge.Undecided(id, call);
        recorder.TryRecord(id, callId, request, null, CallVerdict.Deny, RuleId.Listing.Text, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Approval for tool {ToolName}: approved = {Approved}.")]
    private static partial void LogApproval(ILogger logger, string toolName, bool approved);

    // One line, no stack trace: these are the server's or the upstream's failures (docs/relay.md), not the guard's;
    // the text may quote the server, so it is printed through the sanitiser.
    [LoggerMessage(Level = LogLevel.Error, Message = "A held tools/call could not be decided: {Reason}")]
    private static partial void LogHeldCallFailed(ILogger logger, string reason);

    [LoggerMessage(
        Level = LogLevel.Warning, Message = "Answered a 2026-07-28 tools/call with the server's own error. {Reason}")]
    private static partial void LogModernListingRefused(ILogger logger, string reason);
}
