using McpGuard.Policy.Json;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Settings;

namespace McpGuard.Policy.Decide;

/// <summary>
/// The one decision function for a tools/call (docs/architecture.md#the-call-decider), shared by the live gate,
/// <c>explain</c>, <c>test</c> and <c>replay</c>: one policy snapshot and the call's facts in, a closed
/// <see cref="CallDecision"/> out. Pure: it counts nothing, reads no clock and keeps nothing; limits are
/// counted by whoever forwards an <see cref="CallDecision.Allow"/>.
/// </summary>
internal static class CallDecider
{
    public const string SamplingRefusedReason =
        "the server asked the client's model to pick tools (sampling with tools), and the policy refuses that: the " +
        "tools it picks would run unjudged. Set `sampling: { tools: judge }` to judge each pick like a call.";

    /// <param name="trace">When given, receives every step to the decision, for <c>mcpguard explain</c>.</param>
    /// <param name="argumentsRead">When given, receives the path of every condition consulted.</param>
    public static CallDecision Decide(
        CompiledPolicy policy, in CallFacts facts, List<string>? trace = null, List<ArgumentPath>? argumentsRead = null)
    {
        var name = facts.ToolName;
        if (facts.Sight is ToolSight.NotListed notListed && !facts.Picked)
        {
            // Only a listed tool has a class: a name the server never listed is answered from the hide list and
            // the list alone, before anything is classified, so made-up names cost nothing.
            var unlisted = new ToolRequest { ToolName = name, Arguments = facts.Arguments, Agent = facts.Agent };
            if (policy.IsHidden(name))
            {
                trace?.Add("hide: the tool is hidden (answered as an unknown tool)");
                return new CallDecision.Unknown(CallVerdict.Hidden, null) { Request = unlisted };
            }

            if (!facts.FreshlyListed && (!notListed.ListComplete || facts.Modern))
            {
                return new CallDecision.ListFirst { Request = unlisted };
            }

            trace?.Add($"{name} is not in the server's tool list (answered as an unknown tool)");
            return new CallDecision.Unknown(CallVerdict.UnknownTool, null) { Request = unlisted };
        }

        var request = Request(policy, facts);
        if (facts.Picked)
        {
            return DecidePick(policy, request, trace);
        }

        var risk = policy.Classify(request);
        if (policy.IsHidden(name, risk, request.Drift))
        {
            // Evaluated all the same: hidden by a pin rather than by the policy, the record names the pin rule.
            var hidden = PolicyEvaluator.Evaluate(policy, request, trace);
            return new CallDecision.Unknown(CallVerdict.Hidden, hidden) { Request = request };
        }

        var decision = PolicyEvaluator.Evaluate(policy, request, trace, argumentsRead, shownAs: risk);
        return decision.Verdict switch
        {
            Verdict.Allow => new CallDecision.Allow(decision, CallVerdict.Allow) { Request = request },
            Verdict.Deny => new CallDecision.Refuse(decision, CallVerdict.Deny) { Request = request },
            _ when facts.Answer is null && NeverAllowed(policy, request, decision) is { } never =>
                new CallDecision.Refuse(never, CallVerdict.Deny) { Request = request },
            _ => Answered(request, decision, facts.Answer, trace),
        };
    }

    /// <summary>
    /// The call with the class the session's view gives its tool (else its name's, under the server's name).
    /// </summary>
    private static ToolRequest Request(CompiledPolicy policy, in CallFacts facts) => facts.Sight switch
    {
        ToolSight.Listed listed => new ToolRequest
        {
            ToolName = facts.ToolName, Arguments = facts.Arguments, Risk = listed.Risk, Drift = listed.Drift,
            Agent = facts.Agent,
        },
        ToolSight.Assumed { Risk: { } known } assumed => new ToolRequest
        {
            ToolName = facts.ToolName, Arguments = facts.Arguments, Risk = known, Agent = facts.Agent,
            Drift = assumed.Drift,
        },
        _ => new ToolRequest
        {
            ToolName = facts.ToolName, Arguments = facts.Arguments, Agent = facts.Agent,
            Risk = policy.Classify(facts.ToolName, hints: null, facts.ServerName),
            Drift = (facts.Sight as ToolSight.Assumed)?.Drift ?? PinDrift.None,
        },
    };

    /// <summary>
    /// A call that needs a person but that its limits would refuse whatever the person said (a budget amount that is
    /// not a strict number, or over the max on its own): denied as the count would deny it, without asking anyone.
    /// Also what `explain`, which counts nothing, says of an allowed call that no count could let through.
    /// </summary>
    public static PolicyDecision? NeverAllowed(CompiledPolicy policy, ToolRequest request, PolicyDecision asked)
    {
        var entry = policy.FindEntry(request.ToolName);
        var refusal = !LimitPlan.TryBuild(policy, entry, request.Arguments, request.Agent, out var plan, out var bad)
            ? bad
            : plan.NeverFits is { } limit ? PolicyEngine.Exceeded(limit, limit.Demand.Counter.Window) : null;
        return refusal is null ? null : asked with
        {
            Verdict = Verdict.Deny,
            RuleId = refusal.Scope == Limits.LimitScope.Entry && entry is not null ? entry.Id : RuleId.Limits,
            Reason = refusal.Reason,
            Detail = refusal.Detail,
        };
    }

    private static CallDecision Answered(
        ToolRequest request, PolicyDecision decision, PersonAnswer? answer, List<string>? trace)
    {
        switch (answer)
        {
            case PersonAnswer.Approved approved:
                trace?.Add("a person approved it");
                var allowed = decision with { Verdict = Verdict.Allow, Reason = approved.Reason ?? decision.Reason };
                return new CallDecision.Allow(allowed, CallVerdict.Approved) { Request = request };
            case PersonAnswer.Refused refused:
                trace?.Add("a person refused it");
                var denied = decision with { Verdict = Verdict.Deny, Reason = refused.Reason, Detail = refused.Detail };
                return new CallDecision.Refuse(denied, CallVerdict.Refused) { Request = request };
            default:
                return new CallDecision.Ask(decision) { Request = request };
        }
    }

    /// <summary>
    /// A tool the client's model picked in a sampling answer: the server would run it, so it is judged like a
    /// call, with two differences. Under the default <c>sampling: { tools: refuse }</c> every pick is refused; and
    /// a pick that needs a person is refused, because the model's answer cannot be held while someone is asked.
    /// </summary>
    private static CallDecision DecidePick(CompiledPolicy policy, ToolRequest request, List<string>? trace)
    {
        if (policy.SamplingTools == SamplingTools.Refuse)
        {
            trace?.Add("sampling.tools is refuse (the default): a tool the model picks is never judged, only refused");
            return Refused(new PolicyDecision
            {
                Verdict = Verdict.Deny, RuleId = RuleId.Sampling, Reason = SamplingRefusedReason,
            });
        }

        trace?.Add("sampling.tools is judge: the pick is judged like a tools/call");
        var name = request.ToolName;
        var risk = policy.Classify(request);
        if (policy.IsHidden(name, risk, request.Drift))
        {
            trace?.Add("the tool is hidden, so the model may not pick it");
            return Refused(new PolicyDecision
            {
                Verdict = Verdict.Deny,
                RuleId = policy.HiddenBy(name, risk)
                    ?? (request.Drift == PinDrift.Changed ? RuleId.PinChanged : RuleId.PinNew),
                Reason = $"the model picked {name}, which the policy hides.",
                Risk = risk,
            });
        }

        var decision = PolicyEvaluator.Evaluate(policy, request, trace);
        switch (decision.Verdict)
        {
            case Verdict.RequireApproval:
                trace?.Add("it needs approval, which a pick cannot wait for: refused");
                return Refused(decision with
                {
                    Verdict = Verdict.Deny,
                    Reason = $"the model picked {name}, which needs a person's approval " +
                        $"({(decision.Reason ?? decision.RuleId.Text).TrimEnd('.')}); a pick inside a sampling " +
                        "answer cannot wait for one, so allow or deny it in the policy.",
                });
            case Verdict.Deny:
                var why = decision.Reason ?? $"denied by {decision.RuleId}.";
                return Refused(decision with { Reason = $"the model picked {name}: {why}" });
            default:
                return new CallDecision.Allow(decision, CallVerdict.Allow) { Request = request };
        }

        CallDecision Refused(PolicyDecision refusal) =>
            new CallDecision.Refuse(refusal, CallVerdict.Deny) { Request = request };
    }
}
