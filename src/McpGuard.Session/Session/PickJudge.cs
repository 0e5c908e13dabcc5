using McpGuard.Audit;
using McpGuard.Policy;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Settings;
using Microsoft.Extensions.Logging;

namespace McpGuard.Session;

/// <summary>
/// Sampling with tools (docs/relay.md#tasks-and-sampling-with-tools): a server that asks the client's model to pick
/// tools runs what the model picks, so each pick is judged like a tools/call before the server gets the answer.
/// </summary>
/// <param name="logger">The gate's logger: these lines keep its category.</param>
internal sealed partial class PickJudge(
    CallJudge judge,
    CallRecorder recorder,
    PolicyEngine engine,
    SessionOptions options,
    ILogger logger)
{
    private const string UnreadablePick =
        "the model's answer holds a tool_use that is not a named call with object arguments.";

    /// <summary>
    /// The policy judges picks (<c>sampling: { tools: judge }</c>); otherwise sampling with tools is refused.
    /// </summary>
    public static bool JudgesPicks(CompiledPolicy policy) => policy.SamplingTools == SamplingTools.Judge;

    /// <summary>
    /// Judges the tools the model picked in one answer, in order, like tools/calls of those names and arguments
    /// (<see cref="CallDecider"/>, as a pick). Each pick gets its own decision record (<c>"sampled": true</c>),
    /// and an allowed pick counts against its limits, as a forwarded call does. The first refused pick refuses the
    /// whole answer, and the picks counted before it are given back, since none of them will run.
    /// </summary>
    /// <param name="carrierId">The id of the message that carries the answer, for the audit records.</param>
    /// <param name="policy">The snapshot the carrying message is handled under.</param>
    public async ValueTask<PicksOutcome> JudgePicksAsync(
        IReadOnlyList<PickedTool> picks,
        JsonRpcId carrierId,
        CompiledPolicy policy,
        CancellationToken cancellationToken)
    {
        var counted = new List<LimitReceipt>(picks.Count);
        foreach (var pick in picks)
        {
            var callId = recorder.NewCallId();
            if (pick.Name is not { } name)
            {
                if (!recorder.TryRecord(
                        carrierId, callId, null, null, CallVerdict.Deny, RuleId.Sampling, UnreadablePick, sampled: true)
                    || !options.Monitor)
                {
                    return RefusePicks(counted, UnreadablePick);
                }

                continue;
            }

            var picked = judge.Decide(
                policy, carrierId, new ToolCall(name, pick.Input), ProtocolEra.Legacy, picked: true);
            var (request, decision) = picked switch
            {
                CallDecision.Allow allow => (allow.Request, allow.Decision),
                CallDecision.Refuse refuse => (refuse.Request, refuse.Decision),
                _ => throw new InvalidOperationException($"a pick was decided {picked.GetType().Name}."),
            };
            if (decision.IsAllowed)
            {
                switch (await engine.TryConsumeAsync(policy, request, cancellationToken))
                {
                    case LimitOutcome.Counted done:
                        counted.Add(done.Receipt);
                        break;
                    case LimitOutcome.Uncounted uncounted:
                        CallJudge.LogUncounted(logger, name, engine.Counters.Description);
                        decision = decision with { Reason = uncounted.Why };
                        break;
                    case LimitOutcome.Refused refused:
                        decision = refused.Decision with
                        {
                            Reason = $"the model picked {name}: {refused.Decision.Reason}",
                        };
                        break;
                }
            }

            if (!recorder.TryRecord(
                    carrierId,
                    callId,
                    request,
                    decision,
                    DecisionWords.Of(decision.Verdict),
                    decision.RuleId,
                    decision.Reason,
                    sampled: true))
            {
                return RefusePicks(
                    counted,
                    "the audit log cannot be written, so no tool the model picks may run until it can "
                    + "(see the guard's stderr).");
            }

            if (!decision.IsAllowed)
            {
                if (options.Monitor)
                {
                    LogPickMonitored(logger, name, decision.RuleId);
                }
                else
                {
                    LogPickDenied(logger, name, decision.RuleId);
                    return RefusePicks(
                        counted, decision.Reason ?? $"the model picked {name}, denied by {decision.RuleId}.");
                }
            }
        }

        return PicksOutcome.Allowed.Instance;
    }

    private PicksOutcome.Refused RefusePicks(List<LimitReceipt> counted, string reason)
    {
        foreach (var receipt in counted)
        {
            judge.GiveBack(receipt);
        }

        return new PicksOutcome.Refused(reason);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refused a tool the client's model picked in a sampling answer: {ToolName}, by rule {RuleId}.")]
    private static partial void LogPickDenied(ILogger logger, string toolName, string ruleId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Monitor mode: let through a tool the client's model picked in a sampling answer: {ToolName}, "
            + "which rule {RuleId} would refuse.")]
    private static partial void LogPickMonitored(ILogger logger, string toolName, string ruleId);
}
