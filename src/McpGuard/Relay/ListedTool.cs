using McpGuard.Policy;

namespace McpGuard.Relay;

internal sealed record ListedTool(string Name, ToolHints? Hints);
