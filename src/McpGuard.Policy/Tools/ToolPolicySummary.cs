using McpGuard.Policy.Risk;

namespace McpGuard.Policy.Tools;

/// <summary>
/// What a policy does with one tool: its <see cref="Effect"/>, the part of the policy that decides it, its class,
/// and its rate limits and budgets in words.
/// </summary>
internal sealed record ToolPolicySummary(ToolEffect Effect, RuleId RuleId, RiskClass Risk, string? Limits);
