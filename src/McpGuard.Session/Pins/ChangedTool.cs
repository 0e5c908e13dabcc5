using McpGuard.Policy.Pins;

namespace McpGuard.Pins;

/// <summary>A tool whose name is pinned but whose definition now hashes differently.</summary>
internal sealed record ChangedTool(PinnedTool Pinned, PinnedTool Listed);
