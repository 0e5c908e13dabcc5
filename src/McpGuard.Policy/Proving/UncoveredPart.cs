namespace McpGuard.Policy.Proving;

/// <summary>A part of the policy no case reaches: its id as decisions name it, and what kind of part it is.</summary>
internal sealed record UncoveredPart(RuleId Id, CoverageGap Gap)
{
    /// <summary>The line <c>mcpguard test --coverage</c> prints: <c>tools.get_server_time (entry)</c>.</summary>
    public string Describe() => Gap switch
    {
        CoverageGap.Entry => $"{Id}: no case calls a tool of this entry",
        CoverageGap.Rule => $"{Id}: no case is decided by this rule",
        CoverageGap.EntryAction => $"{Id}: no case reaches the entry's own action (some rule always holds first)",
        _ => $"{Id}: no case falls through to this risk class",
    };
}
