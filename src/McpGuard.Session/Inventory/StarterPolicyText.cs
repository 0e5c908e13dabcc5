namespace McpGuard.Inventory;

/// <summary>A starter policy and the tool names left out of it because they were not safe to write.</summary>
internal sealed record StarterPolicyText(string Yaml, IReadOnlyList<string> LeftOut);
