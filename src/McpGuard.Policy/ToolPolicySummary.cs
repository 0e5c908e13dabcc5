namespace McpGuard.Policy;

/// <summary>
/// What a policy does with one tool: <see cref="Effect"/> is hidden, allowed, denied, needs approval or
/// conditional (its rules look at the arguments); <see cref="Limits"/> describes rate limits and budgets.
/// </summary>
public sealed record ToolPolicySummary(string Effect, string RuleId, RiskClass Risk, string? Limits);
