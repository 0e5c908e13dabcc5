using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;

namespace McpGuard.Session;

/// <summary>
/// A tool as the guard saw it listed: its name, its (untrusted) hints, and how it compares with the lock file.
/// <see cref="Listed"/> is kept only for a tool that drifted, so a person asked about a call can see what changed.
/// </summary>
internal sealed record ListedTool(string Name, ToolHints? Hints)
{
    public PinDrift Drift { get; init; }

    public PinnedTool? Listed { get; init; }
}
