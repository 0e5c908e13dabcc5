namespace McpGuard.Policy.Results;

/// <summary>Where a detector found something in a string: a span of UTF-16 code units.</summary>
internal readonly record struct TextMatch(int Start, int Length)
{
    public int End => Start + Length;
}
