namespace McpGuard.Policy.Risk;

/// <summary>
/// The parsed <c>risk:</c> block: a verdict or "hide" per class, classes set for named tools, and the catalogue choice.
/// </summary>
internal sealed record RiskSection(
    IReadOnlyDictionary<RiskClass, Verdict> Verdicts,
    IReadOnlySet<RiskClass> Hidden,
    IReadOnlyDictionary<string, RiskClass> Overrides,
    CatalogueChoice Catalogue)
{
    public static RiskSection Empty { get; } = new(
        new Dictionary<RiskClass, Verdict>(), new HashSet<RiskClass>(), new Dictionary<string, RiskClass>(),
        CatalogueChoice.ByServerName.Instance);
}
