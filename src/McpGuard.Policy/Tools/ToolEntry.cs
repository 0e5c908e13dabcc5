using McpGuard.Policy.Limits;

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

    private RuleId? _id;

    private RuleId[]? _ruleIds;
}
