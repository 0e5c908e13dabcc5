namespace McpGuard.Policy;

/// <summary>
/// A tool the client's model picked in a sampling answer (docs/policy.md#sampling): the server would run it, so it
/// is judged like a tools/call of that name and those arguments, with two differences. Under the default
/// <c>sampling: { tools: refuse }</c> every pick is refused; and a pick that needs a person is refused, because the
/// model's answer cannot be held while someone is asked.
/// </summary>
internal sealed partial class PolicyEngine
{
    public const string SamplingRuleId = "sampling";

    public const string SamplingRefusedReason =
        "the server asked the client's model to pick tools (sampling with tools), and the policy refuses that: the tools it picks would run unjudged. Set `sampling: { tools: judge }` to judge each pick like a call.";

    /// <summary>The decision for one picked tool; limits are not counted here (see <see cref="TryConsumeAsync"/>).</summary>
    public PolicyDecision EvaluatePicked(ToolRequest request) => EvaluatePicked(request, trace: null);

    /// <summary><see cref="EvaluatePicked(ToolRequest)"/> with every step, for <c>mcpguard explain --picked</c>.</summary>
    public PolicyExplanation ExplainPicked(ToolRequest request)
    {
        var trace = new List<string>();
        var decision = EvaluatePicked(request, trace);
        return new PolicyExplanation(decision, trace);
    }

    private PolicyDecision EvaluatePicked(ToolRequest request, List<string>? trace)
    {
        var policy = _policy;
        if (policy.SamplingTools == SamplingTools.Refuse)
        {
            trace?.Add("sampling.tools is refuse (the default): a tool the model picks is never judged, only refused");
            return new PolicyDecision { Verdict = Verdict.Deny, RuleId = SamplingRuleId, Reason = SamplingRefusedReason };
        }

        trace?.Add("sampling.tools is judge: the pick is judged like a tools/call");
        var risk = policy.Classify(request);
        if (policy.IsHidden(request.ToolName, risk, request.Drift))
        {
            trace?.Add("the tool is hidden, so the model may not pick it");
            return new PolicyDecision { Verdict = Verdict.Deny, RuleId = "hide", Reason = $"the model picked {request.ToolName}, which the policy hides.", Risk = risk };
        }

        var decision = PolicyEvaluator.Evaluate(policy, request, trace);
        switch (decision.Verdict)
        {
            case Verdict.RequireApproval:
                trace?.Add("it needs approval, which a pick cannot wait for: refused");
                return decision with
                {
                    Verdict = Verdict.Deny,
                    Reason = $"the model picked {request.ToolName}, which needs a person's approval ({(decision.Reason ?? decision.RuleId).TrimEnd('.')}); a pick inside a sampling answer cannot wait for one, so allow or deny it in the policy.",
                };
            case Verdict.Deny:
                return decision with { Reason = $"the model picked {request.ToolName}: {decision.Reason ?? $"denied by {decision.RuleId}."}" };
            default:
                return decision;
        }
    }
}
