using McpGuard.Policy.Pins;

namespace McpGuard.Pins;

/// <summary>
/// A server's tools held against a lock file: what is new, what changed, what is gone, by exact name.
/// </summary>
internal sealed record PinReport(
    IReadOnlyList<PinnedTool> Added,
    IReadOnlyList<ChangedTool> Changed,
    IReadOnlyList<PinnedTool> Removed,
    int Unchanged)
{
    public bool HasDrift => Added.Count > 0 || Changed.Count > 0 || Removed.Count > 0;

    public static PinReport Compare(PinSet? pinned, IReadOnlyList<PinnedTool> listed)
    {
        var added = new List<PinnedTool>();
        var changed = new List<ChangedTool>();
        var unchanged = 0;
        foreach (var tool in listed.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            switch (pinned?.Find(tool.Name))
            {
                case null: added.Add(tool); break;
                case { } pin when string.Equals(pin.Sha256, tool.Sha256, StringComparison.Ordinal): unchanged++; break;
                case { } pin: changed.Add(new ChangedTool(pin, tool)); break;
            }
        }

        var names = listed.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var removed = pinned is null
            ? []
            : pinned.Tools.Where(t => !names.Contains(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        return new PinReport(added, changed, removed, unchanged);
    }
}
