using System.Buffers;
using System.Text.Json;
using McpGuard.Approval;
using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace McpGuard.Session;

/// <summary>
/// Decides every tools/call before the server sees it: hidden or unknown → "Unknown tool"; then the policy;
/// then limits, counted only when the call is really forwarded; then the audit record, written before
/// forwarding (a call that cannot be recorded is denied). Calls that must wait (for the guard's own
/// tools/list, or for a person) are held off the pump by <see cref="HeldCalls"/>, so other traffic keeps flowing.
/// The gate chooses when each step runs and in which order calls are decided; the steps are its parts:
/// <see cref="CallJudge"/> decides, judges and concludes, <see cref="CallRecorder"/> writes the audit record,
/// <see cref="CallCounter"/> counts (holding a call whose store is slow), <see cref="HeldCallDecider"/> decides a
/// held call (listing first, or waiting for a person: <see cref="PersonApproval"/>), <see
/// cref="InputRequiredRounds"/> runs the 2026-07-28 era's approval rounds and <see cref="PickJudge"/> judges the
/// tools a client's model picks.
/// </summary>
internal sealed class ToolCallGate
{
    private readonly SessionChannels _channels;
    private readonly HeldCalls _held;
    private readonly CallRecorder _recorder;
    private readonly CallJudge _judge;
    private readonly ClientReplies _replies;
    private readonly CallCounter _counter;
    private readonly InputRequiredRounds _rounds;
    private readonly HeldCallDecider _heldDecider;
    private readonly PickJudge _picks;
    private readonly SessionOptions _options;

    /// <summary>The calls waiting for something mechanical, in arrival order (docs/relay.md#arrival-order).</summary>
    private readonly ArrivalOrder _order = new();

    public ToolCallGate(
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
        (_channels, _held, _options) = (channels, held, options);

        // What a person is shown as the server: the operator's name for it, else its command's — the name the
        // desk's picture and the audit log use too, so one guard has one label. Never the server's own
        // serverInfo.name: a server must not name itself to the person who approves its calls.
        var label = options.ServerLabel ?? serverName;

        // Every part logs under the gate's category (docs/approval.md quotes its lines).
        _recorder = new CallRecorder(channels, audit, options);
        _judge = new CallJudge(channels, engine, _recorder, options, logger);
        _replies = new ClientReplies(channels);
        _counter = new CallCounter(channels, engine, held, _order, _judge, _recorder, _replies, logger);
        // The rounds hold a server's round for a listing like any held call: through the decider made next.
        _rounds = new InputRequiredRounds(
            channels, _judge, _recorder, _counter, _replies, tokens, inBand, held, _order, DecideHeldAsync, options,
            label, logger);
        var person = new PersonApproval(channels, approver, options, label);
        _heldDecider = new HeldCallDecider(
            channels, engine, fetcher, _judge, _recorder, person, _rounds, _replies, logger);
        _picks = new PickJudge(_judge, _recorder, engine, options, logger);
    }

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
            _recorder.TryRecord(id, _recorder.NewCallId(), null, default, CallVerdict.Invalid, null, problem);
            await _replies.ReplyAsync(
                id, JsonRpcMessages.Error(id, McpErrorCode.InvalidParams.AsInt(), problem), cancellationToken);
            return;
        }

        var era = message.Era;
        if (era == ProtocolEra.Modern && _order.ListingWaiting && CountsOnArrival(message.Params))
        {
            // A retry, or a call carrying the model's picks, would be judged and counted right here, before an
            // earlier call that waits for the guard's listing: it waits its turn behind it instead, then is handled
            // as if it arrived then.
            var turn = _order.Take(listing: true);
            HoldInTurn(id, line, message.Params, policy, turn);
            return;
        }

        await DecideAsync(message, call, line, policy, era, inTurn: null, cancellationToken);
    }

    /// <summary>Who sent request <paramref name="id"/>: the session's agent, or on the shared child its own.</summary>
    public string AgentOf(JsonRpcId id) => _judge.AgentOf(id);

    /// <summary>Whether the server's requests come from several agents (serve's shared 2026-07-28 child).</summary>
    public bool SharedByAgents => _options.RequestAgents is not null;

    /// <summary>
    /// The client withdrew a call (notifications/cancelled): if it is being held, drop it unanswered.
    /// </summary>
    public void Withdraw(JsonRpcId id) => _held.Withdraw(id);

    /// <summary>Waits (briefly) until the calls held for their counts were sent or given up: the relay stops.</summary>
    public Task DrainCountedAsync() => _counter.DrainAsync();

    /// <summary>Completes once every call queued for its count so far was sent or given up.</summary>
    public Task CountedSent => _counter.Sent;

    /// <inheritdoc cref="PickJudge.JudgePicksAsync"/>
    public ValueTask<PicksOutcome> JudgePicksAsync(
        IReadOnlyList<PickedTool> picks,
        JsonRpcId carrierId,
        CompiledPolicy policy,
        CancellationToken cancellationToken)
        => _picks.JudgePicksAsync(picks, carrierId, policy, cancellationToken);

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
            && await _picks.JudgePicksAsync(picks, id, policy, cancellationToken) is PicksOutcome.Refused refused)
        {
            // The retry carries the model's picks to the server, which would run them: denied whole.
            var request = new ToolRequest { ToolName = call.Name, Arguments = call.Arguments, Agent = AgentOf(id) };
            var denial = _judge.Refuse(id, _recorder.NewCallId(), request, refused.Reason, RuleId.Sampling);
            await _replies.ReplyAsync(id, denial.Message, cancellationToken);
            return;
        }

        if (era == ProtocolEra.Modern && InputRequiredRetry.RequestState(message.Params) is { } requestState)
        {
            await _rounds.HandleRetryAsync(policy, message, call, requestState, line, inTurn, cancellationToken);
            return;
        }

        var callId = _recorder.NewCallId();
        if (inTurn is null && _order.ListingWaiting)
        {
            // An earlier call waits for the guard's listing: this one is decided after it.
            var behind = _order.Take(listing: true);
            HoldToDecide(id, line, message.Params, policy, callId, behind);
            return;
        }

        // An allowed call is counted at once, as Judge's GateOutcome.Count would say: without that object, one per
        // call made only to be taken apart (bench/README.md, issue 27).
        var decided = _judge.Decide(policy, id, call, era);
        var outcome = decided is CallDecision.Allow allow
            ? await _counter.CountThenConcludeAsync(
                policy, id, callId, allow, null, era, line, inTurn is not null, cancellationToken)
            : _judge.Judge(id, callId, decided, era);

        switch (outcome)
        {
            case GateOutcome.Forward:
                // Off the pump nobody ends a batch: the call goes out at once.
                await _channels.ForwardRequestAsync(
                    id, message.Method!, era, line, flush: inTurn is not null, cancellationToken);
                break;
            case GateOutcome.Reply reply:
                await _replies.ReplyAsync(id, reply.Message, cancellationToken);
                break;
            case GateOutcome.Held:
                break; // Until the store answers.
            case GateOutcome.Withdrawn:
                break;
            case GateOutcome.ListFirst or GateOutcome.Ask when inTurn is { } own:
                // Already off the pump and in its turn: listed (or asked about) in that turn.
                await DecideHeldAsync(own.Call, policy, callId, own.Turn);
                break;
            case GateOutcome.ListFirst:
                // Decided off the pump, on a copy of the bytes, so other traffic keeps flowing meanwhile; later
                // calls wait behind it (its turn), so they are still decided in the order they arrived.
                var turn = _order.Take(listing: true);
                HoldToDecide(id, line, message.Params, policy, callId, turn);
                break;
            case GateOutcome.Ask:
                // Waits for a person, off the pump: later traffic passes it. Asked in band too (the question is the
                // call's answer) only once its limits were checked there, which may wait for the store.
                HoldToDecide(id, line, message.Params, policy, callId, turn: null);
                break;
        }
    }

    /// <summary>
    /// A 2026-07-28 call that is judged (and counted) as soon as it arrives, before the listing an earlier call
    /// waits for: the retry of an input-required round, or a call carrying the model's picks.
    /// </summary>
    private static bool CountsOnArrival(JsonElement parameters) =>
        InputRequiredRetry.RequestState(parameters) is not null
        || PickedTool.InInputResponses(parameters) is { Count: > 0 };

    /// <summary>
    /// Holds a call off the pump (<see cref="HeldCalls"/>), decided once its turn comes. The lambdas live here, not in
    /// the async methods that hold: there their captures (the policy, the call id, the turn) were one object per call
    /// on the pump, made on entry whether or not the call was held (bench/HISTORY.md, issue 27).
    /// </summary>
    private void HoldToDecide(
        JsonRpcId id,
        ReadOnlySequence<byte> line,
        JsonElement parameters,
        CompiledPolicy policy,
        string callId,
        ArrivalOrder.Turn? turn) =>
        _held.Hold(id, line, parameters, heldCall => DecideHeldAsync(heldCall, policy, callId, turn));

    /// <summary>Holds a call that is handled as on arrival once every earlier turn is over (<see
    /// cref="DecideInTurnAsync"/>); a method of its own for the reason <see cref="HoldToDecide"/> gives.</summary>
    private void HoldInTurn(
        JsonRpcId id,
        ReadOnlySequence<byte> line,
        JsonElement parameters,
        CompiledPolicy policy,
        ArrivalOrder.Turn turn) =>
        _held.Hold(id, line, parameters, heldCall => DecideInTurnAsync(heldCall, policy, turn));

    /// <summary>A held call, decided once its turn comes (<see cref="HeldCallDecider"/>).</summary>
    private Task DecideHeldAsync(HeldCall held, CompiledPolicy policy, string callId, ArrivalOrder.Turn? turn) =>
        _heldDecider.DecideAsync(held, policy, callId, turn);

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
                _channels.AwaitingServer.TryRemove(held.Id, out _);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or JsonException or InvalidOperationException)
        {
            await _heldDecider.CouldNotDecideAsync(held.Id, ex);
        }
        finally
        {
            turn.End();
        }
    }
}
