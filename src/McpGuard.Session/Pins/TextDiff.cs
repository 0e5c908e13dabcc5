namespace McpGuard.Pins;

/// <summary>
/// A line diff (longest common subsequence) for descriptions: small texts, so the quadratic table is fine.
/// </summary>
internal static class TextDiff
{
    private const int MaxLines = 2000;

    public static IEnumerable<string> Lines(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        if (a.Length > MaxLines || b.Length > MaxLines)
        {
            // A description this long is shown whole rather than diffed: the table would be too big.
            return a.Select(l => "- " + l).Concat(b.Select(l => "+ " + l));
        }

        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = string.Equals(a[i], b[j], StringComparison.Ordinal)
                    ? common[i + 1, j + 1] + 1
                    : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var lines = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && string.Equals(a[x], b[y], StringComparison.Ordinal))
            {
                lines.Add("  " + a[x++]);
                y++;
            }
            else if (x < a.Length && (y == b.Length || common[x + 1, y] >= common[x, y + 1]))
            {
                lines.Add("- " + a[x++]);
            }
            else
            {
                lines.Add("+ " + b[y++]);
            }
        }

        return lines;
    }
}
