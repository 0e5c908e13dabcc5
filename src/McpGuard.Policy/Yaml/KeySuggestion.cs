namespace McpGuard.Policy.Yaml;

/// <summary>"Did you mean": the known key within a few edits of a mistyped one.</summary>
internal static class KeySuggestion
{
    /// <summary>The closest known key at most a third of its length away (at least one edit), or null.</summary>
    public static string? Closest(string key, IReadOnlyList<string> known) =>
        known.Select(k => (Key: k, Distance: Distance(key, k)))
            .Where(x => x.Distance <= Math.Max(1, x.Key.Length / 3))
            .OrderBy(x => x.Distance)
            .Select(x => x.Key)
            .FirstOrDefault();

    /// <summary>Levenshtein distance, one row at a time.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
