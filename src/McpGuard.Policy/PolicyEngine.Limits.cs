using McpGuard.Policy.Limits;
using McpGuard.Policy.Risk;
using McpGuard.Policy.Settings;
using McpGuard.Policy.Tools;
using McpGuard.Policy.Values;

namespace McpGuard.Policy;

internal sealed partial class PolicyEngine
{
    /// <summary>
    /// Counts a call that is about to be forwarded against its limits: all of them or none. A call without
    /// limits completes at once and never touches the store, so a slow or dead store cannot stall it.
    /// </summary>
    public ValueTask<LimitOutcome> TryConsumeAsync(ToolRequest request, CancellationToken cancellationToken) =>
        TryConsumeAsync(_policy, request, cancellationToken);

    /// <summary>
    /// <see cref="TryConsumeAsync(ToolRequest, CancellationToken)"/> under the policy snapshot the call was decided
    /// by, so a reload between deciding and counting never decides one call under two policies.
    /// </summary>
    public ValueTask<LimitOutcome> TryConsumeAsync(
        CompiledPolicy policy, ToolRequest request, CancellationToken cancellationToken)
    {
        var entry = policy.FindEntry(request.ToolName);
        var risk = policy.Classify(request);
        if (!LimitPlan.TryBuild(policy, entry, request.Arguments, request.Agent, out var plan, out var refusal))
        {
            return new(Refuse(entry, refusal, risk));
        }

        return plan.IsEmpty
            ? new(new LimitOutcome.Counted(LimitReceipt.Empty) { Decision = Allowed(risk) })
            : CountAsync(policy, entry, plan, risk, cancellationToken);
    }

    /// <summary>
    /// Whether the call's limits would refuse it now, counting nothing: their refusal, or null when they would let it
    /// through, or when the store cannot say (unreachable, or no answer within <c>state.timeout</c>): the count made
    /// once a person approved decides then. Asked before a person is asked about the call (docs/approval.md), so
    /// nobody approves a call its limits refuse anyway.
    /// </summary>
    public async ValueTask<LimitOutcome.Refused?> CheckLimitsAsync(
        CompiledPolicy policy, ToolRequest request, CancellationToken cancellationToken)
    {
        var entry = policy.FindEntry(request.ToolName);
        if (!LimitPlan.TryBuild(policy, entry, request.Arguments, request.Agent, out var plan, out var refusal))
        {
            return Refuse(entry, refusal, policy.Classify(request));
        }

        var now = TimeProvider.GetUtcNow();
        var (limits, outcome) = (plan.Session, (CountOutcome)CountOutcome.Fits.Instance);
        if (plan.Session.Count > 0)
        {
            outcome = await _session.CheckAsync(plan.SessionDemands, now, cancellationToken);
        }

        if (outcome is not CountOutcome.Refused && plan.Shared.Count > 0)
        {
            using var timeout = new CancellationTokenSource(policy.State.Timeout, TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                (limits, outcome) = (plan.Shared, await Counters.CheckAsync(plan.SharedDemands, now, linked.Token));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (CounterStoreException)
            {
                return null;
            }
        }

        return outcome is CountOutcome.Refused refused
            ? Refuse(entry, Exceeded(limits[refused.Index], refused.RetryAfter), policy.Classify(request))
            : null;
    }

    /// <summary>
    /// Gives back what a forwarded call counted (the server answered with a JSON-RPC error: it did not run). False when
    /// the store could not be reached.
    /// </summary>
    public async ValueTask<bool> GiveBackAsync(LimitReceipt receipt, CancellationToken cancellationToken)
    {
        if (!receipt.Session.IsEmpty)
        {
            await _session.GiveBackAsync(receipt.Session, cancellationToken);
        }

        if (receipt.Shared.IsEmpty)
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(_policy.State.Timeout, TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await Counters.GiveBackAsync(receipt.Shared, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Counts the plan's session counters, then its shared ones. The store's answer within the policy's timeout; a
    /// store that throws or does not answer in time is unavailable. Giving up cancels the token the store was given,
    /// so a decision still waiting in its queue is withdrawn, never counted. The token, the timer and the link to the
    /// caller's token are shared by the counts of a 10 ms slice (<see cref="GiveUpSlices"/>), and set only when the
    /// store did not answer at once (SQLite decides a call that arrives alone on the caller's thread): made per call
    /// they were a few percent of a counted call's CPU (bench/HISTORY.md). One async method, not one for the shared
    /// count inside one for the call: a pipelined call's count waits in the store's queue, and each async method that
    /// waits is an object on the heap and a continuation more on the store's thread (bench/HISTORY.md).
    /// </summary>
    private async ValueTask<LimitOutcome> CountAsync(
        CompiledPolicy policy, ToolEntry? entry, LimitPlan plan, RiskClass risk, CancellationToken cancellationToken)
    {
        var now = TimeProvider.GetUtcNow();
        var session = CountReceipt.Empty;
        if (plan.Session.Count > 0)
        {
            switch (await _session.TryCountAsync(plan.SessionDemands, now, cancellationToken))
            {
                case CountOutcome.Refused refused:
                    return Refuse(entry, Exceeded(plan.Session[refused.Index], refused.RetryAfter), risk);
                case CountOutcome.Counted counted:
                    session = counted.Receipt;
                    break;
            }
        }

        if (plan.Shared.Count == 0)
        {
            return new LimitOutcome.Counted(new LimitReceipt(CountReceipt.Empty, session)) { Decision = Allowed(risk) };
        }

        var demands = plan.SharedDemands;
        var timeout = policy.State.Timeout;
        CountOutcome shared;
        if (Counters.AnswersAtOnce)
        {
            // Nothing to time out (the memory store): a timer per call cost more than the count itself.
            shared = await Counters.TryCountAsync(demands, now, cancellationToken);
        }
        else if (_giveUps.For(timeout, cancellationToken) is not { } slice)
        {
            shared = await CountAloneAsync(demands, now, timeout, cancellationToken);
        }
        else
        {
            try
            {
                var counting = Counters.TryCountAsync(demands, now, slice.Token);
                if (!counting.IsCompleted)
                {
                    slice.Arm();
                }

                shared = await counting;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                shared = new CountOutcome.Unavailable($"no answer within {Duration.Format(timeout)}");
            }
            catch (CounterStoreException ex)
            {
                shared = new CountOutcome.Unavailable(ex.Message);
            }
        }

        switch (shared)
        {
            case CountOutcome.Counted counted:
                return new LimitOutcome.Counted(new LimitReceipt(counted.Receipt, session))
                {
                    Decision = Allowed(risk),
                };
            case CountOutcome.Refused refused:
                await _session.GiveBackAsync(session, cancellationToken);
                return Refuse(entry, Exceeded(plan.Shared[refused.Index], refused.RetryAfter), risk);
            case CountOutcome.Unavailable unavailable when policy.State.OnUnavailable == UnavailableStoreAction.Allow:
                var why = $"forwarded uncounted: {Counters.Description} cannot be reached ({unavailable.Why}) and " +
                    "state.on_unavailable is allow.";
                return new LimitOutcome.Uncounted(why, new LimitReceipt(CountReceipt.Empty, session))
                {
                    Decision = Allowed(risk) with { Reason = why },
                };
            case CountOutcome.Unavailable unavailable:
                await _session.GiveBackAsync(session, cancellationToken);
                // The model reads the reason: the store's name and its client's diagnostic are the operator's.
                const string Reason = "the limits of this call cannot be counted right now (the guard's counter "
                    + "store is unavailable), so it is refused; calls without limits still work.";
                var detail = $"{Counters.Description} cannot be reached ({unavailable.Why}); calls that need a "
                    + "counter are denied until it can be (state.on_unavailable: deny).";
                return Refuse(entry, new LimitRefusal(LimitScope.Store, Reason, null, detail), risk);
            default:
                throw new InvalidOperationException("unknown count outcome");
        }
    }

    /// <summary>
    /// The shared count with a timer of its own: the caller's token is not the current slice's.
    /// </summary>
    private async ValueTask<CountOutcome> CountAloneAsync(
        IReadOnlyList<CounterDemand> demands, DateTimeOffset now, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var giveUp = new CancellationTokenSource();
        try
        {
            var counting = Counters.TryCountAsync(demands, now, giveUp.Token);
            if (counting.IsCompleted)
            {
                return await counting;
            }

            using var timer = TimeProvider.CreateTimer(
                static state => Cancel((CancellationTokenSource)state!), giveUp, timeout, Timeout.InfiniteTimeSpan);
            using var link = cancellationToken.UnsafeRegister(
                static state => Cancel((CancellationTokenSource)state!), giveUp);
            return await counting;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CountOutcome.Unavailable($"no answer within {Duration.Format(timeout)}");
        }
        catch (CounterStoreException ex)
        {
            return new CountOutcome.Unavailable(ex.Message);
        }
    }

    /// <summary>Cancels unless the count already ended and disposed the source (a timer can fire late).</summary>
    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The store answered first.
        }
    }

    // A budget demand over the max on its own never fits any window: "retry after" would send the model back with
    // the same call a window later. The amount itself is not quoted (reasons reach the audit log).
    internal static LimitRefusal Exceeded(PlannedLimit limit, TimeSpan retryAfter) =>
        (limit.Budget is { } budget && limit.Demand.Amount > limit.Demand.Max
            ? new LimitRefusal(limit.Scope, $"{limit.NeverFitsText}: this call's {budget.Argument} alone is more than "
                + $"{budget.Max}, so it can never be allowed; a smaller {budget.Argument} may be.", retryAfter)
            : new LimitRefusal(limit.Scope, $"{limit.RefusedText}; retry after {Wait(retryAfter)}.", retryAfter))
        with { Limit = limit.Name };

    private static LimitOutcome.Refused Refuse(ToolEntry? entry, LimitRefusal refusal, RiskClass risk) => new(refusal)
    {
        Decision = new PolicyDecision
        {
            Verdict = Verdict.Deny,
            RuleId = refusal.Scope switch
            {
                LimitScope.Entry when entry is not null => entry.Id,
                LimitScope.Store => RuleId.Store,
                _ => RuleId.Limits,
            },
            Reason = refusal.Reason,
            Detail = refusal.Detail,
            Risk = risk,
        },
    };

    /// <summary>
    /// A counted call's decision, one per risk class for every call: a decision is immutable (a change is a copy,
    /// <c>with</c>), and a new one per counted call was an allocation on the store's thread per call.
    /// </summary>
    private static PolicyDecision Allowed(RiskClass risk) =>
        (uint)risk < (uint)s_allowed.Length ? s_allowed[(int)risk] : NewAllowed(risk);

    private static readonly PolicyDecision[] s_allowed = [.. Enum.GetValues<RiskClass>().Select(NewAllowed)];

    private static PolicyDecision NewAllowed(RiskClass risk) =>
        new() { Verdict = Verdict.Allow, RuleId = RuleId.Limits, Risk = risk };

    // As `mcpguard limits` says when the count frees up (23h 59m, not 86340s), and never "0s".
    private static string Wait(TimeSpan wait) =>
        WaitText.Of(wait > TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1));
}
