using McpGuard.Policy.Limits;
using McpGuard.Policy.Risk;

namespace McpGuard.Policy.Tools;

/// <summary>
/// A <c>tools</c> entry, for one name or a glob. It decides by its first rule whose <c>when</c> holds, else by
/// its own action, else deny. Its limits count every tool it matches together.
/// </summary>
internal sealed record ToolEntry
{
    public required Glob Pattern { get; init; }

    public Verdict? Action { get; init; }

    public string? Reason { get; init; }

    public IReadOnlyList<ToolRule> Rules { get; init; } = [];

    public RateLimitSpec? RateLimit { get; init; }

    public BudgetSpec? Budget { get; init; }

    /// <summary>The result rules for this entry's tools: the global <c>results</c> with this entry's on top.</summary>
    public Results.ResultRules Results { get; init; } = McpGuard.Policy.Results.ResultRules.None;

    /// <summary>
    /// How decisions name this entry, and the entry of its counters (<see cref="CounterId.Entry"/>):
    /// <c>tools.place_order</c>. Built once, like the rule ids.
    /// </summary>
    internal RuleId Id => _id ??= RuleId.Entry(Pattern.Pattern);

    /// <summary>
    /// How decisions name the rule at <paramref name="position"/> in <see cref="Rules"/>:
    /// <c>tools.place_order.rules[1]</c>.
    /// </summary>
    internal RuleId RuleIdAt(int position) => (_ruleIds ??= [.. Rules.Select(r => RuleId.Rule(Id, r.Index))])[position];

    /// <summary>
    /// The decisions this entry makes, one slot per rule and one for its own action (<paramref name="position"/> -1),
    /// each per risk class: the same every time, so kept once made (<see cref="PolicyEvaluator"/>).
    /// </summary>
    internal ref PolicyDecision? KeptDecision(int position, RiskClass risk)
    {
        // A copy made by `with` must not read its original's: the slots belong to the entry that made them.
        var kept = _kept is { } own && ReferenceEquals(own.Owner, this)
            ? own
            : _kept = new KeptDecisions(this, (Rules.Count + 1) * RiskClasses);
        return ref kept.Slots[((position + 1) * RiskClasses) + (int)risk];
    }

    /// <summary>How many risk classes there are: the slots of <see cref="KeptDecision"/> per rule.</summary>
    internal static readonly int RiskClasses = Enum.GetValues<RiskClass>().Length;

    private RuleId? _id;

    private RuleId[]? _ruleIds;

    private KeptDecisions? _kept;

    private sealed class KeptDecisions(ToolEntry owner, int slots)
    {
        public ToolEntry Owner { get; } = owner;

        public PolicyDecision?[] Slots { get; } = new PolicyDecision?[slots];
    }
}
