namespace McpGuard.Cli;

/// <summary>One tool in <c>mcpguard tools --json</c> (names as in the README: name, risk, effect, rule, limits).</summary>
internal sealed record ToolInventoryEntry(string Name, string Risk, string Effect, string Rule, string? Limits);
