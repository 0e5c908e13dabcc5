namespace McpGuard.Policy.Pins;

/// <summary>
/// The tools of a lock file, by exact name (no case folding, no normalisation: as the server will see it).
/// </summary>
internal sealed class PinSet
{
    private readonly Dictionary<string, PinnedTool> _tools;

    public PinSet(string file, IEnumerable<PinnedTool> tools)
    {
        File = file;
        _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The lock file this came from (absolute), for messages.</summary>
    public string File { get; }

    public IReadOnlyCollection<PinnedTool> Tools => _tools.Values;

    public int Count => _tools.Count;

    public PinnedTool? Find(string name) => _tools.GetValueOrDefault(name);

    public PinDrift Check(PinnedTool listed) =>
        !_tools.TryGetValue(listed.Name, out var pinned) ? PinDrift.New
        : string.Equals(pinned.Sha256, listed.Sha256, StringComparison.Ordinal) ? PinDrift.None
        : PinDrift.Changed;

    /// <summary>Whether two lock files pin the same names to the same hashes.</summary>
    public bool SameAs(PinSet? other) =>
        other is not null && other._tools.Count == _tools.Count &&
        _tools.All(p => other._tools.TryGetValue(p.Key, out var o)
            && string.Equals(o.Sha256, p.Value.Sha256, StringComparison.Ordinal));
}
