namespace McpGuard.Inventory;

/// <summary>One thing <c>mcpguard check</c> found; errors make it exit non-zero.</summary>
internal sealed record CheckFinding(bool IsError, string Message);
