using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Policy;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace McpGuard.Relay;

/// <summary>
/// Decides every tools/call before the server sees it: hidden or unknown → "Unknown tool"; then the policy;
/// then limits, counted only when the call is really forwarded. Calls that must wait (for the guard's own
/// tools/list, or for a person) are held off the pump on a copy of their bytes, so other traffic keeps flowing.
/// </summary>
internal sealed partial class ToolCallGate(
    RelayChannels channels,
    PolicyEngine engine,
    ToolListFetcher fetcher,
    IApprover approver,
    RelayOptions options,
    string serverName,
    ILogger logger)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _held = new(StringComparer.Ordinal);

    /// <summary>Handles a validated tools/call request whose id is already registered as in flight.</summary>
    public async ValueTask HandleAsync(ClientMessage message, ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        var id = message.Id!.Value;
        if (!ToolCall.TryRead(message.Params, out var call, out var problem))
        {
            await ReplyAsync(id, JsonRpcMessages.Error(id, McpErrorCode.InvalidParams.AsInt(), problem!), flush: false, cancellationToken);
            return;
        }

        if (!channels.Catalog.TryGet(call.Name, out var hints) && !channels.Catalog.IsComplete && !IsHidden(call.Name, null))
        {
            // Not listed yet: the guard lists the server's tools itself before it decides.
            Hold(id, line, cancellationToken);
            return;
        }

        var request = new ToolRequest { ToolName = call.Name, Arguments = call.Arguments, Hints = hints };
        var reply = Judge(id, call.Name, request, out var needsApproval);
        if (needsApproval is not null)
        {
            Hold(id, line, cancellationToken);
            return;
        }

        if (reply is null)
        {
            await channels.ToServer.WriteLineAsync(line, flush: false, cancellationToken);
        }
        else
        {
            await ReplyAsync(id, reply, flush: false, cancellationToken);
        }
    }

    /// <summary>The client withdrew a call (notifications/cancelled): if it is being held, drop it unanswered.</summary>
    public void Withdraw(JsonRpcId id)
    {
        if (_held.TryGetValue(id.Key, out var cancellation))
        {
            cancellation.Cancel();
        }
    }

    /// <summary>
    /// Decides a call whose tool is known or hidden. Returns null to forward, or the reply to send instead.
    /// <paramref name="approval"/> is set when a person must decide first.
    /// </summary>
    private byte[]? Judge(JsonRpcId id, string toolName, ToolRequest request, out PolicyDecision? approval)
    {
        approval = null;
        if (IsHidden(toolName, request.Hints) || !channels.Catalog.TryGet(toolName, out _))
        {
            LogUnknownTool(logger, toolName);
            return UnknownTool(id, toolName);
        }

        var decision = engine.Evaluate(request);
        if (decision.Verdict == Verdict.RequireApproval && !options.Monitor)
        {
            approval = decision;
            return null;
        }

        return Conclude(id, request, decision);
    }

    /// <summary>The last step for an allowed (or approved) call: count its limits, then forward or deny.</summary>
    private byte[]? Conclude(JsonRpcId id, ToolRequest request, PolicyDecision decision)
    {
        if (decision.Verdict == Verdict.Allow)
        {
            decision = engine.TryConsume(request);
        }

        if (decision.Verdict != Verdict.Allow)
        {
            LogDenied(logger, request.ToolName, decision.RuleId, decision.Reason ?? "", options.Monitor);
            if (!options.Monitor)
            {
                return JsonRpcMessages.Denied(id, decision.Reason ?? $"denied by {decision.RuleId}.");
            }
        }
        else
        {
            LogAllowed(logger, request.ToolName, decision.RuleId);
        }

        if (channels.ClientRequests.TryGet(id, out var pending))
        {
            pending.Call = new ForwardedCall(Guid.NewGuid().ToString("n"), request.ToolName, Stopwatch.GetTimestamp());
        }

        return null;
    }

    private bool IsHidden(string toolName, ToolHints? hints) => engine.IsHidden(toolName);

    private static byte[] UnknownTool(JsonRpcId id, string toolName) =>
        JsonRpcMessages.Error(id, McpErrorCode.InvalidParams.AsInt(), $"Unknown tool: {toolName}");

    private async ValueTask ReplyAsync(JsonRpcId id, byte[] reply, bool flush, CancellationToken cancellationToken)
    {
        // Only the step that takes the request out of the table answers it, so it is never answered twice
        // (when the child dies, the shutdown may already have answered a held call).
        if (channels.ClientRequests.TryRemove(id, out _))
        {
            await channels.ToClient.WriteLineAsync(reply, flush, cancellationToken);
        }
    }

    /// <summary>Copies the call's bytes (the pump's buffer is reused) and decides it off the pump.</summary>
    private void Hold(JsonRpcId id, ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        var copy = line.ToArray();
        var withdrawn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _held[id.Key] = withdrawn;
        _ = Task.Run(() => DecideHeldAsync(id, copy, withdrawn, cancellationToken), CancellationToken.None);
    }

    private async Task DecideHeldAsync(JsonRpcId id, byte[] line, CancellationTokenSource withdrawn, CancellationToken relayStopping)
    {
        var cancellationToken = withdrawn.Token;
        try
        {
            using var document = JsonDocument.Parse(line);
            ToolCall.TryRead(document.RootElement.GetProperty("params"u8), out var call, out _);
            await fetcher.EnsureCompleteAsync(cancellationToken);
            channels.Catalog.TryGet(call.Name, out var hints);
            var request = new ToolRequest { ToolName = call.Name, Arguments = call.Arguments, Hints = hints };
            var reply = Judge(id, call.Name, request, out var needsApproval);
            if (needsApproval is not null)
            {
                var outcome = await approver.RequestAsync(
                    new ApprovalRequest(id.ToString(), serverName, call.Name, call.Arguments, needsApproval.RuleId, needsApproval.Reason),
                    cancellationToken);
                LogApproval(logger, call.Name, outcome.Approved);
                reply = outcome.Approved
                    ? Conclude(id, request, needsApproval with { Verdict = Verdict.Allow })
                    : Conclude(id, request, needsApproval with { Verdict = Verdict.Deny, Reason = outcome.Reason });
            }

            if (reply is null)
            {
                await channels.ToServer.WriteLineAsync(line, flush: true, cancellationToken);
            }
            else
            {
                await ReplyAsync(id, reply, flush: true, cancellationToken);
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
            await ReplyAsync(id, reply, flush: true, CancellationToken.None);
        }
        catch (IOException)
        {
            // The client is gone.
        }
    }
}
