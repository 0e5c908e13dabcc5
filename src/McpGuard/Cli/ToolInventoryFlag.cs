namespace McpGuard.Cli;

/// <summary>
/// One tool text flag in <c>mcpguard tools --json</c>, as the table's "flagged" lines say it
/// (docs/results.md#tool-text): the field, <c>invisible_characters</c> or <c>addressed_to_model</c>, and what was found
/// (never the invisible characters themselves).
/// </summary>
internal sealed record ToolInventoryFlag(string Where, string Kind, string What);
