using System.Text.Json;
using McpGuard.Policy.Risk;
using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// A tool as the server listed it: its name, input schema and (untrusted) annotations, and the whole definition
/// as the server wrote it (<paramref name="Definition"/>, what a pin hashes).
/// </summary>
internal sealed record ServerTool(Tool Tool, JsonElement Definition)
{
    public string Name => Tool.Name;

    public JsonElement InputSchema => Tool.InputSchema;

    public ToolHints? Hints => Tool.Annotations is { } annotations
        ? new ToolHints { ReadOnlyHint = annotations.ReadOnlyHint, DestructiveHint = annotations.DestructiveHint }
        : null;
}
