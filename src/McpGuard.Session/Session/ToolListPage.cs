namespace McpGuard.Session;

/// <summary>One page of a tools/list result as the guard read it: every tool the server listed on it.</summary>
internal sealed record ToolListPage(IReadOnlyList<ListedTool> Tools, string? NextCursor)
{
    public bool IsLastPage => NextCursor is null;
}
