namespace McpGuard.Inventory;

/// <summary>
/// One thing <c>mcpguard check</c> found; errors make it exit non-zero. <paramref name="At"/>: the YAML path of the
/// part of the policy it is about (keys, and sequence elements by index or text), so the report can give its file,
/// line and column; null when it is about the server or the lock file.
/// </summary>
internal sealed record CheckFinding(bool IsError, string Message, IReadOnlyList<string>? At = null);
