using McpGuard.Inventory;
using McpGuard.Policy.Pins;

namespace McpGuard.Pins;

/// <summary>
/// A server's listed tools as pins: each definition's hash, and the tools that cannot be pinned (not I-JSON, or a
/// name listed twice). Such a tool can never match a pin, so at run time it is always new or changed.
/// </summary>
internal sealed record ListedPins(IReadOnlyList<PinnedTool> Tools, IReadOnlyList<string> Problems)
{
    public static ListedPins From(IReadOnlyList<ServerTool> tools)
    {
        var pins = new List<PinnedTool>();
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (!ToolDefinition.TryFingerprint(tool.Definition, out var pinned, out var problem))
            {
                problems.Add($"{tool.Name}: cannot be pinned: {problem}");
            }
            else if (!names.Add(pinned.Name))
            {
                problems.Add($"{pinned.Name}: the server lists this name twice");
            }
            else
            {
                pins.Add(pinned);
            }
        }

        return new ListedPins(pins, problems);
    }
}
