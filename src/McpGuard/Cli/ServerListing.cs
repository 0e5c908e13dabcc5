using McpGuard.Inventory;

namespace McpGuard.Cli;

/// <summary>
/// What listing a server came to: its inventory, or null with the command's exit code (1 when it could not be
/// listed, 130, 143 or 129 when a signal stopped the listing and the server with it).
/// </summary>
internal sealed record ServerListing(ServerInventory? Inventory, int ExitCode);
