namespace McpGuard.Inventory;

/// <summary>
/// Something in a tool's own text that is meant for the model rather than for the person reading the tool list
/// (docs/results.md#tool-text). <see cref="What"/> never holds the invisible characters themselves.
/// </summary>
/// <param name="Where">The field, as a path in the definition: <c>description</c>,
/// <c>inputSchema.properties.a.description</c>.</param>
internal sealed record ToolTextFlag(string Tool, string Where, ToolTextFlagKind Kind, string What)
{
    public string Message => $"{Tool}: {Where} {What}";
}
