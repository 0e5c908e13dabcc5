using System.Buffers;
using System.Text.Json;
using McpGuard.Audit;
using McpGuard.Policy.Limits;
using ModelContextProtocol;

namespace McpGuard.Session;

internal sealed partial class ToolCallGate
{
    /// <summary>Waits (briefly) until the calls held for their counts were sent or given up: the relay stops.</summary>
    public Task DrainCountedAsync() => Counted.DrainAsync();

    /// <summary>Completes once every call queued for its count so far was sent or given up.</summary>
    public Task CountedSent => _countedCalls?.Sent ?? Task.CompletedTask;

    /// <summary>
    /// Holds a call the pump judged allowed until its count is in (<see cref="CountedCalls"/>): counted now, in
    /// arrival order, and sent once every earlier call that waits is sent.
    /// </summary>
    private void HoldForCount(
        JsonRpcId id,
        ReadOnlySequence<byte> line,
        string callId,
        GateOutcome.Count count,
        ProtocolEra era,
        Task<LimitOutcome> counting)
    {
        // The pump's document ends with this line: an audit record gets its own copy of the arguments (a copy of
        // their bytes, not a second parse of the whole line); without an audit log nothing reads them again.
        var kept = audit is NullAuditLog
            ? count
            : count with { Decision = count.Decision with { Request = Kept(count.Decision.Request) } };
        channels.AwaitingServer.TryGet(id, out var pending);
        var call = new CountedCall(id, line.ToArray(), callId, kept, era, counting, _order.TakeCounted(), pending);
        Counted.Enqueue(call);
    }

    /// <summary>
    /// A held call's count is in: conclude it as the pump would have, and write it (flushed by <see
    /// cref="CountedCalls"/>). Withdrawn meanwhile, or the relay stopping: nothing is sent and the count is given
    /// back. Never throws.
    /// </summary>
    private async ValueTask SendCountedAsync(CountedCall call)
    {
        var stopping = held.Stopping;
        try
        {
            LimitOutcome limits;
            try
            {
                limits = await call.Counting;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return; // Never counted; the shutdown answers the request.
            }

            try
            {
                // A burst shares one turn, so this is done at once but for the first call after another's turn.
                await call.Turn.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Given back just below.
            }

            if (stopping.IsCancellationRequested || !StillAwaited(call))
            {
                GiveBack(limits switch
                {
                    LimitOutcome.Counted c => c.Receipt,
                    LimitOutcome.Uncounted u => u.Receipt,
                    _ => LimitReceipt.Empty,
                });
                return;
            }

            switch (Conclude(call.Id, call.CallId, call.Count, call.Era, limits))
            {
                case GateOutcome.Forward:
                    await channels.ForwardAsync(call.Pending, new(call.Line), flush: false, stopping);
                    break;
                case GateOutcome.Reply reply:
                    await ReplyAsync(call.Id, reply.Message, stopping);
                    break;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The relay stops: the shutdown answers the request.
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or JsonException
            or InvalidOperationException or OperationCanceledException)
        {
            LogHeldCallFailed(logger, ex);
            await TryReplyAsync(call.Id, JsonRpcMessages.Error(
                call.Id, McpErrorCode.InternalError.AsInt(), "McpGuard could not decide this call: " + ex.Message));
        }
        finally
        {
            call.Turn.Leave();
        }
    }

    /// <summary>False when the client withdrew the call (notifications/cancelled took it out of the table).</summary>
    private bool StillAwaited(CountedCall call) =>
        channels.AwaitingServer.TryGet(call.Id, out var now) && ReferenceEquals(now, call.Pending);
}
