using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Pins;
using McpGuard.Policy;
using ModelContextProtocol;

namespace McpGuard.Session;

internal sealed partial class ToolCallGate
{
    /// <summary>A held call: list the tools if needed, ask a person if needed, then forward or answer.</summary>
    private async Task DecideHeldAsync(HeldCall held)
    {
        var id = held.Id;
        var cancellationToken = held.Token;
        var callId = audit.NewCallId();
        ToolRequest? request = null;
        var asked = false;
        try
        {
            using var document = JsonDocument.Parse(held.Line);
            var parameters = document.RootElement.GetProperty("params"u8);
            var era = ModernMeta.EraOf(parameters);
            ToolCall.TryRead(parameters, out var call, out _);
            var refresh = era == ProtocolEra.Modern && channels.Catalog.IsComplete && !channels.Catalog.Contains(call.Name);
            await fetcher.EnsureCompleteAsync(ModernMeta.EnvelopeOf(parameters), refresh, cancellationToken);
            request = Request(call, id);
            var outcome = Judge(id, callId, request, era, freshlyListed: true);
            if (outcome is GateOutcome.Count count)
            {
                outcome = Conclude(id, callId, request, count.Decision, count.Recorded, era, counted: await engine.TryConsumeAsync(request, cancellationToken));
            }

            if (outcome is GateOutcome.Ask inBandAsk && AsksInBandFirst(parameters, era))
            {
                await AskInBandAsync(id, callId, request, inBandAsk.Decision, cancellationToken);
                return;
            }

            if (outcome is GateOutcome.Ask ask)
            {
                var decision = ask.Decision;
                if (!Record(id, callId, request, decision, AuditDecision.RequireApproval, decision.RuleId, decision.Reason))
                {
                    outcome = AuditUnavailable(id, era);
                }
                else
                {
                    asked = true;
                    ApprovalOutcome answer;

                    // While a person decides, a client that gave a progress token hears from the guard (docs/approval.md).
                    await using (ApprovalProgress.Start(
                        parameters, call.Name, engine.Policy.Approval.Progress, engine.TimeProvider, channels.ToClient, cancellationToken))
                    {
                        answer = await approver.RequestAsync(
                            new ApprovalRequest(callId, ApprovalLabel, call.Name, call.Arguments, decision.RuleId, decision.Reason, PinChanges(request, decision))
                            {
                                Agent = request.Agent,
                                // Not for the retry of a server's own round: the guard's question would replace the server's state.
                                CanAskInBand = CanAskInBand(parameters, era) && InputRequiredRetry.RequestState(parameters) is null,
                            },
                            cancellationToken);
                    }
                    if (answer.AsksInBand)
                    {
                        // The channels before elicitation could not ask: the client is asked with the call's answer.
                        asked = false;
                        await AskInBandAsync(id, callId, request, decision, cancellationToken, recorded: true);
                        return;
                    }

                    LogApproval(logger, call.Name, answer.Approved);
                    outcome = answer.Approved
                        ? Conclude(id, callId, request, decision with { Verdict = Verdict.Allow, Reason = answer.Reason }, AuditDecision.Approved, era, ApprovalStateToken.HashArguments(call.Arguments), await engine.TryConsumeAsync(request, cancellationToken))
                        : Conclude(id, callId, request, decision with { Verdict = Verdict.Deny, Reason = answer.Reason, Detail = answer.Detail }, AuditDecision.Refused, era);
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
                Record(id, callId, request, null, AuditDecision.Cancelled, "approval", held.IsWithdrawn ? "withdrawn before a person answered" : "the guard stopped before a person answered");
            }
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or JsonException or InvalidOperationException)
        {
            LogHeldCallFailed(logger, ex);
            await TryReplyAsync(id, JsonRpcMessages.Error(id, McpErrorCode.InternalError.AsInt(), "McpGuard could not decide this call: " + ex.Message));
        }
    }

    /// <summary>What a person asked about a drifted tool is shown: its diff against the pin (capped, so a page stays readable).</summary>
    private IReadOnlyList<string>? PinChanges(ToolRequest request, PolicyDecision decision)
    {
        const int MaxLines = 200;
        if (!decision.RuleId.StartsWith("pins.", StringComparison.Ordinal) || !channels.Catalog.TryGetTool(request.ToolName, out var tool) || tool.Listed is not { } listed)
        {
            return null;
        }

        var lines = PinDiff.Lines(engine.Policy.PinnedTools?.Find(request.ToolName), listed);
        return lines.Count <= MaxLines ? lines : [.. lines.Take(MaxLines), $"… ({lines.Count - MaxLines} more lines: run mcpguard pin --check)"];
    }

    /// <summary>
    /// A call the pump judged allowed whose store did not answer at once: wait for the count (bounded by
    /// state.timeout), then conclude it as the pump would have. The pump's buffer is gone, so the call is read
    /// again from the held copy for the audit record. Withdrawn meanwhile: nothing is forwarded and the count
    /// is given back.
    /// </summary>
    private async Task FinishCountingAsync(HeldCall held, string callId, GateOutcome.Count count, ProtocolEra era, Task<LimitOutcome> counting)
    {
        var cancellationToken = held.Token;
        try
        {
            var limits = await counting;
            if (cancellationToken.IsCancellationRequested)
            {
                GiveBack(limits switch { LimitOutcome.Counted c => c.Receipt, LimitOutcome.Uncounted u => u.Receipt, _ => LimitReceipt.Empty });
                cancellationToken.ThrowIfCancellationRequested();
            }

            using var document = JsonDocument.Parse(held.Line);
            ToolCall.TryRead(document.RootElement.GetProperty("params"u8), out var call, out _);
            await SendHeldAsync(held, Conclude(held.Id, callId, Request(call, held.Id), count.Decision, count.Recorded, era, count.ApprovedArgumentsHash, limits), cancellationToken);
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
            await TryReplyAsync(held.Id, JsonRpcMessages.Error(held.Id, McpErrorCode.InternalError.AsInt(), "McpGuard could not decide this call: " + ex.Message));
        }
    }

    private async Task SendHeldAsync(HeldCall held, GateOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case GateOutcome.Forward:
                await channels.ToServer.SendAsync(held.Line, flush: true, cancellationToken);
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
