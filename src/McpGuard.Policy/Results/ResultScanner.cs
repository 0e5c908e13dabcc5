using System.Text;

namespace McpGuard.Policy.Results;

/// <summary>
/// Applies result rules to the strings of one result, one at a time, and counts what matched per detector (for the
/// audit: names and counts, never the text). Not thread-safe: one per result.
/// </summary>
internal sealed class ResultScanner(ResultRules rules)
{
    private readonly List<TextMatch> _found = [];
    private readonly List<(TextMatch Match, string Name)> _marks = [];
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Matches per detector so far, in the order first seen.</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;

    /// <summary>False when no detector of the rules can match anything that touches <paramref name="piece"/>.</summary>
    public bool MayMatch(ReadOnlySpan<char> piece)
    {
        foreach (var detector in rules.Block)
        {
            if (detector.MayMatch(piece))
            {
                return true;
            }
        }

        foreach (var detector in rules.Redact)
        {
            if (detector.MayMatch(piece))
            {
                return true;
            }
        }

        return false;
    }

    public TextVerdict Scan(string text)
    {
        foreach (var detector in rules.Block)
        {
            _found.Clear();
            detector.Find(text, _found);
            if (_found.Count > 0)
            {
                Count(detector.Name, _found.Count);
                return new TextVerdict.Blocked(detector.Name);
            }
        }

        _marks.Clear();
        foreach (var detector in rules.Redact)
        {
            _found.Clear();
            detector.Find(text, _found);
            foreach (var match in _found)
            {
                _marks.Add((match, detector.Name));
            }
        }

        return _marks.Count == 0 ? TextVerdict.Clean.Instance : new TextVerdict.Redacted(Redact(text));
    }

    /// <summary>
    /// Replaces the marks, earliest first and the longer of two that start together; overlaps are merged away.
    /// </summary>
    private string Redact(string text)
    {
        _marks.Sort((a, b) => a.Match.Start != b.Match.Start
            ? a.Match.Start.CompareTo(b.Match.Start)
            : b.Match.Length.CompareTo(a.Match.Length));
        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var (match, name) in _marks)
        {
            if (match.Start < position)
            {
                position = Math.Max(position, match.End); // overlaps a span already redacted: that span grows
                continue;
            }

            builder.Append(text, position, match.Start - position).Append("[redacted: ").Append(name).Append(']');
            position = match.End;
            Count(name, 1);
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    private void Count(string name, int count) => _counts[name] = _counts.GetValueOrDefault(name) + count;
}
