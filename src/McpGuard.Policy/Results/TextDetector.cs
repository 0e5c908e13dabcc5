namespace McpGuard.Policy.Results;

/// <summary>
/// Finds one kind of sensitive text in a string (docs/results.md). Detectors are stateless and shared by every
/// session, so <see cref="Find"/> must be safe to call from many threads at once.
/// </summary>
internal abstract class TextDetector(string name)
{
    /// <summary>The name the policy uses and a redaction shows: <c>[redacted: NAME]</c>.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// Adds every match in <paramref name="text"/> to <paramref name="found"/>, in order, not overlapping.
    /// </summary>
    /// <remarks>
    /// Built-in detectors look for cheap anchors first (vectorised searches) and only then read the text around
    /// one, so a long string without an anchor costs one pass over memory.
    /// </remarks>
    public abstract void Find(string text, List<TextMatch> found);

    /// <summary>
    /// False when no match can touch <paramref name="piece"/>: it holds none of the detector's anchors. Lets a long
    /// string be skipped piece by piece without being turned into one .NET string first. True unless overridden.
    /// </summary>
    public virtual bool MayMatch(ReadOnlySpan<char> piece) => true;

    /// <summary>True when <paramref name="text"/> has at least one match.</summary>
    public bool IsFoundIn(string text)
    {
        var found = new List<TextMatch>(1);
        Find(text, found);
        return found.Count > 0;
    }
}
