using System.Buffers;
using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Pins;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Limits;
using ModelContextProtocol;

namespace McpGuard.Session;

internal sealed partial class ToolCallGate
{
    /// <summary>
    /// A held call: list the tools if needed, ask a person if needed, then forward or answer. It keeps the policy
    /// snapshot and the audit call id it arrived with. With a <paramref name="turn"/> it is decided only after every
    /// earlier call that waited for something mechanical, and gives the turn up once decided (or once it waits for
    /// a person).
    /// </summary>
    private async Task DecideHeldAsync(HeldCall held, CompiledPolicy policy, string callId, ArrivalOrder.Turn? turn)
    {
        var id = held.Id;
        var cancellationToken = held.Token;
        ToolRequest? request = null;
        var asked = false;
        try
        {
            if (turn is not null)
            {
                await turn.WaitAsync(cancellationToken);
            }

            var parameters = held.Params;
            var era = ModernMeta.EraOf(parameters);
            ToolCall.TryRead(parameters, out var call, out _);
            var refresh = era == ProtocolEra.Modern && channels.Catalog.IsComplete && !channels.Catalog.Contains(call.Name);
            await fetcher.EnsureCompleteAsync(policy, ModernMeta.EnvelopeOf(parameters), refresh, cancellationToken);
            var decided = Decide(policy, id, call, era, freshlyListed: true);
            request = decided.Request;
            var outcome = Judge(id, callId, decided, era);
            if (outcome is GateOutcome.Count count)
            {
                outcome = Conclude(id, callId, count, era, await engine.TryConsumeAsync(policy, request, cancellationToken));
            }

            if (outcome is GateOutcome.Ask inBandAsk && AsksInBandFirst(policy, parameters, era))
            {
                await AskInBandAsync(policy, id, callId, inBandAsk.Decision, cancellationToken);
                return;
            }

            if (outcome is GateOutcome.Ask { Decision: var ask })
            {
                var decision = ask.Decision;
                if (!Record(id, callId, request, decision, CallVerdict.RequireApproval, decision.RuleId, decision.Reason))
                {
                    outcome = AuditUnavailable(id, era);
                }
                else
                {
                    asked = true;
                    ApprovalOutcome answer;

                    // Only a call waiting for a person lets later traffic pass it, and a client that ended its input
                    // does not wait for it (GuardSession.SettleAsync).
                    turn?.End();
                    held.Settle();

                    // The transport may tell the client at once that an answer is coming (serve: an event stream),
                    // and a client that gave a progress token hears from the guard while a person decides
                    // (docs/approval.md).
                    if (options.WaitsForPerson is { } waits)
                    {
                        await waits(id);
                    }

                    await using (ApprovalProgress.Start(
                        parameters, call.Name, policy.Approval.Progress, channels.Clock, channels.ToClient, cancellationToken))
                    {
                        answer = await approver.RequestAsync(
                            new ApprovalRequest(callId, ApprovalLabel, call.Name, call.Arguments, decision.RuleId, decision.Reason, PinChanges(policy, request, decision))
                            {
                                Agent = request.Agent,
                                // Not for the retry of a server's own round: the guard's question would replace the
                                // server's state.
                                CanAskInBand = CanAskInBand(policy, parameters, era) && InputRequiredRetry.RequestState(parameters) is null,
                            },
                            cancellationToken);
                    }
                    if (answer.AsksInBand)
                    {
                        // The channels before elicitation could not ask: the client is asked with the call's answer.
                        asked = false;
                        await AskInBandAsync(policy, id, callId, ask, cancellationToken, recorded: true);
                        return;
                    }

                    LogApproval(logger, call.Name, answer.Approved);
                    PersonAnswer person = answer.Approved
                        ? new PersonAnswer.Approved(answer.Reason)
                        : new PersonAnswer.Refused(answer.Reason, answer.Detail);
                    outcome = Judge(id, callId, Decide(policy, id, call, era, freshlyListed: true, person), era);
                    if (outcome is GateOutcome.Count approved)
                    {
                        outcome = Conclude(
                            id, callId, approved with { ApprovedArgumentsHash = ApprovalStateToken.HashArguments(call.Arguments) }, era,
                            await engine.TryConsumeAsync(policy, request, cancellationToken));
                    }
                }
            }

            await SendHeldAsync(held, outcome, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Withdrawn by the client: the request is over, nothing is forwarded. When the guard is stopping
            // instead, the request stays in the table so that the shutdown answers it.
            if (held.IsWithdrawn)
            {
                channels.AwaitingServer.TryRemove(id, out _);
            }

            if (asked)
            {
                Record(id, callId, request, null, CallVerdict.Cancelled, RuleId.Approval, held.IsWithdrawn ? "withdrawn before a person answered" : "the guard stopped before a person answered");
            }
        }
        catch (ToolListRefusedException refused) when (ModernMeta.EraOf(held.Params) == ProtocolEra.Modern)
        {
            // What the client would have read without the guard: a 2025-only server refuses every modern request,
            // and a 2026-07-28 client falls back to initialize on that refusal (docs/relay.md#toolscall).
            LogModernListingRefused(logger, TerminalText.FirstLine(refused.Message));
            await TryReplyAsync(id, JsonRpcMessages.Error(id, refused.Error));
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or JsonException or InvalidOperationException)
        {
            LogHeldCallFailed(logger, ex);
            await TryReplyAsync(id, JsonRpcMessages.Error(id, McpErrorCode.InternalError.AsInt(), "McpGuard could not decide this call: " + ex.Message));
        }
        finally
        {
            turn?.End();
        }
    }

    /// <summary>
    /// A retry or a call carrying the model's picks that arrived while an earlier call waited for the guard's
    /// listing: once every earlier turn is over, it is handled as on arrival, in its own turn (<see cref="HeldTurn"/>).
    /// </summary>
    private async Task DecideInTurnAsync(HeldCall held, CompiledPolicy policy, ArrivalOrder.Turn turn)
    {
        var cancellationToken = held.Token;
        try
        {
            await turn.WaitAsync(cancellationToken);
            var line = new ReadOnlySequence<byte>(held.Line);
            if (!ClientMessageValidator.Validate(line).Accepted(out var accepted))
            {
                throw new InvalidOperationException("the held call no longer reads as a message.");
            }

            using var message = accepted;
            ToolCall.TryRead(message.Params, out var call, out _);
            var era = ModernMeta.EraOf(message.Params);
            await DecideAsync(message, call, line, policy, era, new HeldTurn(held, turn), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (held.IsWithdrawn)
            {
                channels.AwaitingServer.TryRemove(held.Id, out _);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or JsonException or InvalidOperationException)
        {
            LogHeldCallFailed(logger, ex);
            await TryReplyAsync(held.Id, JsonRpcMessages.Error(
                held.Id, McpErrorCode.InternalError.AsInt(), "McpGuard could not decide this call: " + ex.Message));
        }
        finally
        {
            turn.End();
        }
    }

    /// <summary>
    /// What a person asked about a drifted tool is shown: its diff against the pin (capped, so a page stays readable).
    /// </summary>
    private IReadOnlyList<string>? PinChanges(CompiledPolicy policy, ToolRequest request, PolicyDecision decision)
    {
        const int MaxLines = 200;
        if (!decision.RuleId.IsPin || !channels.Catalog.TryGetTool(request.ToolName, out var tool) || tool.Listed is not { } listed)
        {
            return null;
        }

        var lines = PinDiff.Lines(policy.PinnedTools?.Find(request.ToolName), listed);
        return lines.Count <= MaxLines ? lines : [.. lines.Take(MaxLines), $"… ({lines.Count - MaxLines} more lines: run mcpguard pin --check)"];
    }

    private async Task SendHeldAsync(HeldCall held, GateOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case GateOutcome.Forward:
                await channels.ForwardAsync(held.Id, new(held.Line), flush: true, cancellationToken);
                break;
            case GateOutcome.Reply reply:
                await ReplyAsync(held.Id, reply.Message, cancellationToken);
                break;
            default:
                // Listed just now, so a second ListFirst cannot happen; an Ask was answered and a Count counted above.
                throw new InvalidOperationException($"A held call ended undecided ({outcome.GetType().Name}).");
        }
    }

    private async Task TryReplyAsync(JsonRpcId id, byte[] reply)
    {
        try
        {
            await ReplyAsync(id, reply, CancellationToken.None);
        }
        catch (IOException)
        {
            // The client is gone.
        }
    }
}
