using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using ModelContextProtocol;

namespace McpGuard.Relay;

internal sealed partial class ToolCallGate
{
    /// <summary>A held call: list the tools if needed, ask a person if needed, then forward or answer.</summary>
    private async Task DecideHeldAsync(JsonRpcId id, byte[] line, CancellationTokenSource withdrawn, CancellationToken relayStopping)
    {
        var cancellationToken = withdrawn.Token;
        var callId = audit.NewCallId();
        ToolRequest? request = null;
        var asked = false;
        try
        {
            using var document = JsonDocument.Parse(line);
            ToolCall.TryRead(document.RootElement.GetProperty("params"u8), out var call, out _);
            await fetcher.EnsureCompleteAsync(cancellationToken);
            channels.Catalog.TryGet(call.Name, out var hints);
            request = new ToolRequest { ToolName = call.Name, Arguments = call.Arguments, Hints = hints };
            var reply = Judge(id, callId, request, out var needsApproval);
            if (needsApproval is not null)
            {
                if (!Record(id, callId, request, needsApproval, AuditDecision.RequireApproval, needsApproval.RuleId, needsApproval.Reason))
                {
                    reply = JsonRpcMessages.Denied(id, "the audit log cannot be written, so no call is forwarded until it can (see the guard's stderr).");
                }
                else
                {
                    asked = true;
                    var outcome = await approver.RequestAsync(
                        new ApprovalRequest(callId, serverName, call.Name, call.Arguments, needsApproval.RuleId, needsApproval.Reason),
                        cancellationToken);
                    LogApproval(logger, call.Name, outcome.Approved);
                    reply = outcome.Approved
                        ? Conclude(id, callId, request, needsApproval with { Verdict = Verdict.Allow, Reason = outcome.Reason }, AuditDecision.Approved)
                        : Conclude(id, callId, request, needsApproval with { Verdict = Verdict.Deny, Reason = outcome.Reason }, AuditDecision.Refused);
                }
            }

            if (reply is null)
            {
                await channels.ToServer.WriteLineAsync(line, flush: true, cancellationToken);
            }
            else
            {
                await ReplyAsync(id, reply, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (withdrawn.IsCancellationRequested)
        {
            // Withdrawn by the client: the request is over, nothing is forwarded. When the guard is stopping
            // instead, the request stays in the table so that the shutdown answers it (SPEC §4.7).
            if (!relayStopping.IsCancellationRequested)
            {
                channels.ClientRequests.TryRemove(id, out _);
            }

            if (asked)
            {
                Record(id, callId, request, null, AuditDecision.Cancelled, "approval", "withdrawn before a person answered");
            }
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or JsonException or InvalidOperationException)
        {
            LogHeldCallFailed(logger, ex);
            await TryReplyAsync(id, JsonRpcMessages.Error(id, McpErrorCode.InternalError.AsInt(), "McpGuard could not decide this call: " + ex.Message));
        }
        finally
        {
            _held.TryRemove(id.Key, out _);
            withdrawn.Dispose();
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
