using System.Text.Json;
using McpGuard.Policy.Conditions;
using McpGuard.Policy.Json;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;
using McpGuard.Policy.Tools;

namespace McpGuard.Policy;

/// <summary>
/// The precedence of docs/policy.md#how-a-call-is-decided for one call: hide → the tools entry (its rules, then its
/// action, else deny) → the risk class → default. A condition that cannot be evaluated denies, naming the argument.
/// </summary>
internal static class PolicyEvaluator
{
    /// <param name="argumentsRead">When given, receives the path of every condition consulted on the way to the
    /// decision (in order): a decision reached with none of them did not depend on the arguments at all.</param>
    /// <param name="shownAs">The tool's class, when the caller already classified it and found it not hidden (the
    /// live call decider): then neither is done twice per call.</param>
    public static PolicyDecision Evaluate(
        CompiledPolicy policy,
        ToolRequest request,
        List<string>? trace,
        List<ArgumentPath>? argumentsRead = null,
        RiskClass? shownAs = null)
    {
        var decision = EvaluateRules(policy, request, trace, argumentsRead, shownAs);
        return policy.Pins is { } pins && request.Drift != PinDrift.None && decision.RuleId.Kind != RuleKind.Hide
            ? ApplyPin(pins, policy.Source, request, decision, trace)
            : decision;
    }

    /// <summary>
    /// A tool that does not match its pin (docs/pins.md): hide and deny win over anything the rules say;
    /// require_approval adds a person to what the rules allow or ask, and never turns their denial into a question.
    /// </summary>
    private static PolicyDecision ApplyPin(
        PinSettings pins, string policySource, ToolRequest request, PolicyDecision decision, List<string>? trace)
    {
        var (id, what) = request.Drift == PinDrift.Changed
            ? (RuleId.PinChanged,
                $"the definition of {request.ToolName} changed since it was pinned in {Path.GetFileName(pins.File)}")
            : (RuleId.PinNew, $"{request.ToolName} is not pinned in {Path.GetFileName(pins.File)}");
        var action = pins.ActionFor(request.Drift);
        var then = action switch
        {
            PinAction.Hide => "hidden",
            PinAction.Deny => "denied",
            PinAction.RequireApproval => "needs approval",
            _ => "decided by the policy",
        };
        trace?.Add($"{id}: {what} → {then}");
        // How to re-pin is the operator's business (and names a local path): the model reads only what changed.
        var rePin =
            $"review the change, then re-pin with `mcpguard pin --policy {policySource} -- ` and the server's command.";
        return action switch
        {
            PinAction.Hide => Decide(Verdict.Deny, id, $"{what}, so it is hidden.", decision.Risk),
            PinAction.Deny =>
                Decide(Verdict.Deny, id, $"{what}; a person must re-pin it before it can be called.", decision.Risk)
                with { Detail = rePin },
            PinAction.RequireApproval when decision.Verdict != Verdict.Deny =>
                Decide(
                    Verdict.RequireApproval, id,
                    $"{what}; a person must approve each call until it is re-pinned." +
                    (decision.Reason is { } r ? " " + r : ""),
                    decision.Risk),
            _ => decision,
        };
    }

    private static PolicyDecision EvaluateRules(
        CompiledPolicy policy,
        ToolRequest request,
        List<string>? trace,
        List<ArgumentPath>? argumentsRead,
        RiskClass? shownAs)
    {
        var name = request.ToolName;
        var risk = shownAs ?? policy.Classify(request);
        trace?.Add($"risk class of {name}: {RiskClassWords.Word(risk)}");
        if (shownAs is null && policy.HiddenBy(name, risk) is { } hiddenBy)
        {
            trace?.Add(hiddenBy.Kind == RuleKind.Hide
                ? "hide: the tool is hidden (answered as an unknown tool)"
                : $"{hiddenBy}: its class is hidden (answered as an unknown tool)");
            return Decide(Verdict.Deny, hiddenBy, $"{name} is hidden.", risk);
        }

        if (policy.FindEntry(name) is { } entry)
        {
            var id = entry.Id;
            trace?.Add($"{id}: the entry for {name}{(entry.Pattern.IsLiteral ? "" : " (glob)")}");
            for (var position = 0; position < entry.Rules.Count; position++)
            {
                var rule = entry.Rules[position];
                var ruleId = entry.RuleIdAt(position);
                var outcome = Holds(rule, request.Arguments, ruleId, trace, argumentsRead);
                if (outcome.State == ConditionState.CannotEvaluate)
                {
                    var why = $"{ruleId} cannot be evaluated, so the call is refused: {outcome.Why}.";
                    return Decide(Verdict.Deny, ruleId, why, risk);
                }

                if (outcome.State == ConditionState.Holds)
                {
                    trace?.Add($"{ruleId}: holds → {Word(rule.Action)}");
                    return Kept(entry, position, risk) ?? Keep(
                        entry, position, Decide(rule.Action, ruleId, rule.Reason ?? entry.Reason, risk));
                }
            }

            if (entry.Action is { } action)
            {
                trace?.Add($"{id}: {(entry.Rules.Count > 0 ? "no rule held; " : "")}action → {Word(action)}");
                return Kept(entry, -1, risk) ?? Keep(entry, -1, Decide(action, id, entry.Reason, risk));
            }

            trace?.Add($"{id}: no rule held and the entry has no action → deny");
            return Decide(Verdict.Deny, id, entry.Reason ?? $"no rule of {id} matched this call.", risk);
        }

        if (policy.RiskVerdicts.TryGetValue(risk, out var byRisk))
        {
            var id = RuleId.Risk(risk);
            trace?.Add($"{id}: no tools entry; the class decides → {Word(byRisk)}");
            return Decide(byRisk, id, null, risk);
        }

        trace?.Add($"default: nothing else decides → {Word(policy.Default)}");
        return Decide(policy.Default, RuleId.Default, null, risk);
    }

    public static ToolPolicySummary Describe(
        CompiledPolicy policy, string name, ToolHints? hints, string? serverName, PinDrift drift = PinDrift.None)
    {
        var risk = policy.Classify(name, hints, serverName);
        if (policy.HiddenBy(name, risk) is { } hiddenBy)
        {
            return new ToolPolicySummary(ToolEffect.Hidden, hiddenBy, risk, null);
        }

        if (policy.Pins is { } pins && drift != PinDrift.None
            && pins.ActionFor(drift) is not PinAction.Allow and var action)
        {
            var id = drift == PinDrift.Changed ? RuleId.PinChanged : RuleId.PinNew;
            var summary = Describe(policy, name, hints, serverName);
            return action switch
            {
                PinAction.Hide => new ToolPolicySummary(ToolEffect.Hidden, id, risk, null),
                PinAction.Deny => new ToolPolicySummary(ToolEffect.Denied, id, risk, null),
                _ => summary.Effect == ToolEffect.Denied
                    ? summary
                    : summary with { Effect = ToolEffect.NeedsApproval, RuleId = id },
            };
        }

        if (policy.FindEntry(name) is { } entry)
        {
            // With their per paths and scope, as limits and a refusal say them: a per-symbol budget is not one sum.
            var limits = string.Join("; ", new[]
            {
                entry.RateLimit is { } rate ? LimitWords.Describe(rate.ToString(), rate.Per, rate.Scope) : null,
                entry.Budget is { } budget ? LimitWords.Describe(budget.ToString(), budget.Per, budget.Scope) : null,
            }.Where(s => s is not null));
            var conditional = entry.Rules.Any(r => r.When.Count > 0);
            var effect = conditional
                ? ToolEffect.Conditional
                : ToolEffectWords.Of(entry.Rules.Count > 0 ? entry.Rules[0].Action : entry.Action ?? Verdict.Deny);
            return new ToolPolicySummary(effect, entry.Id, risk, limits.Length == 0 ? null : limits);
        }

        return policy.RiskVerdicts.TryGetValue(risk, out var byRisk)
            ? new ToolPolicySummary(ToolEffectWords.Of(byRisk), RuleId.Risk(risk), risk, null)
            : new ToolPolicySummary(ToolEffectWords.Of(policy.Default), RuleId.Default, risk, null);
    }

    private static ConditionOutcome Holds(
        ToolRule rule, JsonElement arguments, RuleId ruleId, List<string>? trace, List<ArgumentPath>? argumentsRead)
    {
        // Indexed, not foreach: over an IReadOnlyList a foreach boxes an enumerator on every call.
        for (var i = 0; i < rule.When.Count; i++)
        {
            var condition = rule.When[i];
            argumentsRead?.Add(condition.Path);
            var outcome = condition.Evaluate(arguments);
            var state = outcome.State switch
            {
                ConditionState.Holds => "holds",
                ConditionState.Fails => "does not hold",
                _ => "cannot be evaluated: " + outcome.Why,
            };
            trace?.Add($"{ruleId}: {condition} → {state}");
            if (outcome.State != ConditionState.Holds)
            {
                return outcome;
            }
        }

        return ConditionOutcome.Holds;
    }

    /// <summary>
    /// The decision a rule (or the entry's own action, <paramref name="position"/> -1) made before for this class:
    /// it depends on nothing else, and a new one per call was an object per call on the pump (bench/README.md, issue
    /// 27). Decisions are immutable (a change is a copy, <c>with</c>), so one serves every call.
    /// </summary>
    private static PolicyDecision? Kept(ToolEntry entry, int position, RiskClass risk) =>
        (uint)risk < (uint)ToolEntry.RiskClasses ? Volatile.Read(ref entry.KeptDecision(position, risk)) : null;

    private static PolicyDecision Keep(ToolEntry entry, int position, PolicyDecision decision)
    {
        if ((uint)decision.Risk < (uint)ToolEntry.RiskClasses)
        {
            // Two calls may make it at once: either's is the same decision.
            Volatile.Write(ref entry.KeptDecision(position, decision.Risk), decision);
        }

        return decision;
    }

    private static PolicyDecision Decide(Verdict verdict, RuleId ruleId, string? reason, RiskClass risk) => new()
    {
        Verdict = verdict,
        RuleId = ruleId,
        Risk = risk,
        Reason = reason ?? verdict switch
        {
            Verdict.Deny => $"{ruleId} denies this tool.",
            Verdict.RequireApproval => $"{ruleId} requires approval.",
            _ => null,
        },
    };

    private static string Word(Verdict verdict) => ToolEffectWords.Word(ToolEffectWords.Of(verdict));
}
