using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;

namespace McpGuard.Session;

/// <summary>
/// The answer to a forwarded tools/call ends it: its outcome is recorded and, on a JSON-RPC error (the tool did not
/// run), its counts are given back; an isError result keeps them (the tool ran, maybe in part). A call the server
/// runs as a task ends with the task instead. A 2026-07-28 <c>input_required</c> round of the server's own did not
/// run the tool either, and the client's retry continues the same logical call.
/// </summary>
internal sealed class CallOutcomeStage(SessionChannels channels, CallOutcomes outcomes, InBandApprovals inBand)
    : IMessageStage<ServerStep>
{
    public ValueTask<StageOutcome> RunAsync(ServerStep step, CancellationToken cancellationToken)
    {
        if (step.Pending is not { Call: { } call } pending)
        {
            return StageOutcome.Next;
        }

        var header = step.Header;
        if (!header.IsError && !header.NamesNoTask && TaskHandles.TryReadCreated(step.Line, out var taskId))
        {
            // The server runs the call as a task: its outcome (and any give-back) waits for the task's end.
            channels.Tasks.Created(taskId, new TrackedTask(call, pending.Id));
        }
        else
        {
            step.AnsweredAt = Stopwatch.GetTimestamp();
            outcomes.Record(call, pending.Id, header.IsError, header.ErrorCode, step.Checked, step.AnsweredAt, pending);
            if (header.ErrorCode is not null)
            {
                outcomes.GiveBack(call);
            }
        }

        if (call.Era == ProtocolEra.Modern && !header.IsError && NoteServerRound(call, step.Line, step.Policy))
        {
            // Sampling with tools under `sampling: { tools: refuse }`: the client's model is never asked.
            return StageOutcome.ToClient(
                JsonRpcMessages.Denied(pending.Id, CallDecider.SamplingRefusedReason, ProtocolEra.Modern));
        }

        return StageOutcome.Next;
    }

    /// <summary>
    /// A modern tools/call answered <c>input_required</c> by the server itself: the client's retry (carrying the
    /// server's requestState) continues this logical call. Only answers that mention the word are parsed.
    /// </summary>
    /// <returns>True when the round asks the client's model to pick tools and the policy refuses that: the answer is
    /// replaced by a denial.</returns>
    private bool NoteServerRound(ForwardedCall call, ReadOnlySequence<byte> line, CompiledPolicy policy)
    {
        if (!MessageSearch.Contains(line, "\"input_required\""u8))
        {
            return false;
        }

        using var document = JsonDocument.Parse(line);
        if (!document.RootElement.TryGetProperty("result"u8, out var result) || result.ValueKind != JsonValueKind.Object
            || !result.TryGetProperty("resultType"u8, out var type) || type.ValueKind != JsonValueKind.String
            || !type.ValueEquals("input_required"u8))
        {
            return false;
        }

        // The round did not run the tool, so its counts are given back: a logical call counts once, in the
        // round that the server completes (docs/limits.md#give-back, docs/relay.md#input-required-rounds).
        outcomes.GiveBack(call);

        // Under the default `sampling: { tools: refuse }` a round that asks the client's model to pick tools is
        // refused here; otherwise the retry's picks are judged (PickJudge).
        if (policy.SamplingTools == SamplingTools.Refuse && SamplingWithTools.AmongInputRequests(result))
        {
            return true;
        }

        if (result.TryGetProperty("requestState"u8, out var state) && state.ValueKind == JsonValueKind.String)
        {
            var expires = channels.Clock.GetUtcNow() + policy.Approval.Timeout;
            inBand.ServerAskedFor(
                state.GetString()!,
                new RoundLink(call.CallId, call.ToolName, call.ApprovedArgumentsHash, expires, call.Agent));
        }

        return false;
    }
}
