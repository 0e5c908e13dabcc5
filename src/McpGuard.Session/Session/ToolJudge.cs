using System.Text.Json;
using McpGuard.Policy;

namespace McpGuard.Session;

/// <summary>
/// The per-tool decision taken while a tools/list page is read: what the catalog remembers about the tool, or
/// null to cut it from the page. One hook for <c>hide:</c>, hidden risk classes and pins (docs/pins.md).
/// </summary>
internal delegate ListedTool? ToolJudge(JsonElement tool, ListedTool read);
