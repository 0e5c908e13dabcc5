
namespace McpGuard.Policy.Proving;

/// <summary>What kind of policy part <see cref="PolicyCoverage"/> found unreached.</summary>
internal enum CoverageGap
{
    Entry,
    Rule,
    EntryAction,
    RiskClass,
}
