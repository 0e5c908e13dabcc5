namespace McpGuard.Policy;

/// <summary>A decision with the steps that made it, in order (precedence steps, rules, conditions).</summary>
internal sealed record PolicyExplanation(PolicyDecision Decision, IReadOnlyList<string> Steps);
