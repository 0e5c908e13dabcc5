using System.Buffers;
using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Limits;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace McpGuard.Session;

/// <summary>
/// Counts an allowed call against its limits, then concludes it. A store that does not answer at once (a durable
/// one waiting for another guard, or slow) never stalls the pump: the call is held in <see cref="CountedCalls"/>
/// and sent in arrival order once its count is in (docs/relay.md#arrival-order).
/// </summary>
/// <param name="order">The gate's arrival order: a held call's turn, shared with the calls held for a listing.</param>
/// <param name="logger">The gate's logger: these lines keep its category.</param>
internal sealed partial class CallCounter(
    SessionChannels channels,
    PolicyEngine engine,
    HeldCalls held,
    ArrivalOrder order,
    CallJudge judge,
    CallRecorder recorder,
    ClientReplies replies,
    ILogger logger)
{
    /// <summary>The calls held for their counts, sent in arrival order by one sender (made on first use).</summary>
    private CountedCalls? _countedCalls;

    private CountedCalls Counted =>
        _countedCalls ??= new CountedCalls(SendCountedAsync, () => channels.ToServer.FlushAsync(held.Stopping));

    /// <summary>Waits (briefly) until the calls held for their counts were sent or given up: the relay stops.</summary>
    public Task DrainAsync() => Counted.DrainAsync();

    /// <summary>Completes once every call queued for its count so far was sent or given up.</summary>
    public Task Sent => _countedCalls?.Sent ?? Task.CompletedTask;

    /// <summary>
    /// Counts an allowed call, then concludes it. A store that does not answer at once never stalls the pump: the
    /// call is held with <paramref name="forward"/>, the bytes that go to the server, and sent in arrival order by
    /// <see cref="CountedCalls"/>: <see cref="GateOutcome.Held"/>.
    /// </summary>
    /// <param name="inTurn">The call owns its turn off the pump: the count is awaited in place.</param>
    public ValueTask<GateOutcome> CountThenConcludeAsync(
        CompiledPolicy policy,
        JsonRpcId id,
        string callId,
        GateOutcome.Count count,
        ProtocolEra era,
        ReadOnlySequence<byte> forward,
        bool inTurn,
        CancellationToken cancellationToken) =>
        CountThenConcludeAsync(
            policy, id, callId, count.Decision, count.ApprovedArgumentsHash, era, forward, inTurn, cancellationToken);

    /// <summary>
    /// <see cref="CountThenConcludeAsync(CompiledPolicy, JsonRpcId, string, GateOutcome.Count, ProtocolEra,
    /// ReadOnlySequence{byte}, bool, CancellationToken)"/> for an allowed decision taken apart: the pump's path
    /// counts a call the policy allows without a <see cref="GateOutcome.Count"/>, an object per call made only to be
    /// taken apart here (bench/README.md, issue 27).
    /// </summary>
    public async ValueTask<GateOutcome> CountThenConcludeAsync(
        CompiledPolicy policy,
        JsonRpcId id,
        string callId,
        CallDecision.Allow allow,
        string? approvedArgumentsHash,
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
            counting = engine.TryConsumeAsync(policy, allow.Request, cancellationToken);
        }
        finally
        {
            CallsBehind.Waiting = false;
        }

        if (!inTurn && (!counting.IsCompleted || order.AnyWaiting))
        {
            HoldForCount(id, forward, callId, allow, approvedArgumentsHash, era, counting.AsTask());
            return GateOutcome.Held.Instance;
        }

        return judge.Conclude(id, callId, allow, approvedArgumentsHash, era, await counting);
    }

    /// <summary>
    /// Holds a call the pump judged allowed until its count is in (<see cref="CountedCalls"/>): counted now, in
    /// arrival order, and sent once every earlier call that waits is sent.
    /// </summary>
    private void HoldForCount(
        JsonRpcId id,
        ReadOnlySequence<byte> line,
        string callId,
        CallDecision.Allow allow,
        string? approvedArgumentsHash,
        ProtocolEra era,
        Task<LimitOutcome> counting)
    {
        // The pump's document ends with this line: an audit record gets its own copy of the arguments (a copy of
        // their bytes, not a second parse of the whole line); without an audit log nothing reads them again.
        var kept = !recorder.KeepsArguments ? allow : allow with { Request = Kept(allow.Request) };
        channels.AwaitingServer.TryGet(id, out var pending);
        var copy = Counted.CopyOf(line);
        var call = new CountedCall(
            id, copy, (int)line.Length, callId, kept, approvedArgumentsHash, era, counting, order.TakeCounted(),
            pending);
        Counted.Enqueue(call);
    }

    /// <summary>The request with its own copy of the arguments, which outlives the pump's document.</summary>
    private static ToolRequest Kept(ToolRequest request) => request.Arguments.ValueKind == JsonValueKind.Undefined
        ? request
        : request with { Arguments = request.Arguments.Clone() };

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
                judge.GiveBack(limits switch
                {
                    LimitOutcome.Counted c => c.Receipt,
                    LimitOutcome.Uncounted u => u.Receipt,
                    _ => LimitReceipt.Empty,
                });
                return;
            }

            switch (judge.Conclude(call.Id, call.CallId, call.Decision, call.ApprovedArgumentsHash, call.Era, limits))
            {
                case GateOutcome.Forward:
                    await channels.ForwardAsync(
                        call.Pending, new(call.Line, 0, call.LineLength), flush: false, stopping);
                    break;
                case GateOutcome.Reply reply:
                    await replies.ReplyAsync(call.Id, reply.Message, stopping);
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
            LogHeldCallFailed(logger, TerminalText.FirstLine(ex.Message));
            await replies.TryReplyAsync(call.Id, JsonRpcMessages.Error(
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

    // The same line as for any held call (HeldCallDecider): one line, no stack trace, sanitised.
    [LoggerMessage(Level = LogLevel.Error, Message = "A held tools/call could not be decided: {Reason}")]
    private static partial void LogHeldCallFailed(ILogger logger, string reason);
}
