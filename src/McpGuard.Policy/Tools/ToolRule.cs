using McpGuard.Policy.Conditions;

namespace McpGuard.Policy.Tools;

/// <summary>One of an entry's ordered rules: if every condition holds, the action decides.</summary>
internal sealed record ToolRule(int Index, IReadOnlyList<Condition> When, Verdict Action, string? Reason);
