namespace McpGuard.Policy.Risk;

/// <summary>The MCP tool annotations the classifier reads. They come from the server and are untrusted.</summary>
internal sealed record ToolHints
{
    public bool? ReadOnlyHint { get; init; }
    public bool? DestructiveHint { get; init; }
}
