namespace McpGuard.Inventory;

/// <summary>
/// What a server said about itself: its self-reported name (untrusted, may be absent) and every tool it listed.
/// </summary>
internal sealed record ServerInventory(string? ServerName, IReadOnlyList<ServerTool> Tools);
