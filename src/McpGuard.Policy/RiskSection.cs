namespace McpGuard.Policy;

/// <summary>The parsed <c>risk:</c> block: a verdict or "hide" per class, and classes set for named tools.</summary>
internal sealed record RiskSection(
    IReadOnlyDictionary<RiskClass, Verdict> Verdicts,
    IReadOnlySet<RiskClass> Hidden,
    IReadOnlyDictionary<string, RiskClass> Overrides)
{
    public static RiskSection Empty { get; } = new(new Dictionary<RiskClass, Verdict>(), new HashSet<RiskClass>(), new Dictionary<string, RiskClass>());
}
