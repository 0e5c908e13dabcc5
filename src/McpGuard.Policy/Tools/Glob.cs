namespace McpGuard.Policy.Tools;

/// <summary>
/// A tool-name pattern with <c>*</c> (any run of characters) and <c>?</c> (one character); case-sensitive.
/// </summary>
internal sealed class Glob
{
    public Glob(string pattern)
    {
        Pattern = pattern;
        IsLiteral = !pattern.Contains('*') && !pattern.Contains('?');
        Specificity = pattern.Count(c => c is not '*' and not '?');
    }

    public string Pattern { get; }

    public bool IsLiteral { get; }

    /// <summary>How many characters are fixed; among globs matching a name, the highest wins.</summary>
    public int Specificity { get; }

    public bool IsMatch(string name) => IsLiteral ? name == Pattern : WildcardMatch(Pattern, name);

    /// <summary>Whether some name matches both globs (a product of the two patterns, memoised).</summary>
    public bool Overlaps(Glob other)
    {
        var p = Pattern;
        var q = other.Pattern;
        var memo = new Dictionary<(int, int), bool>();
        return Can(0, 0);

        bool Can(int i, int j)
        {
            if (memo.TryGetValue((i, j), out var known))
            {
                return known;
            }

            bool result;
            if (i == p.Length && j == q.Length)
            {
                result = true;
            }
            else if (i < p.Length && p[i] == '*')
            {
                result = Can(i + 1, j) || (j < q.Length && Can(i, j + 1));
            }
            else if (j < q.Length && q[j] == '*')
            {
                result = Can(i, j + 1) || (i < p.Length && Can(i + 1, j));
            }
            else if (i == p.Length || j == q.Length)
            {
                result = false;
            }
            else
            {
                result = (p[i] == '?' || q[j] == '?' || p[i] == q[j]) && Can(i + 1, j + 1);
            }

            memo[(i, j)] = result;
            return result;
        }
    }

    /// <summary>
    /// The classic two-pointer wildcard match: on a mismatch, let the last <c>*</c> swallow one more character.
    /// At most pattern × name steps, no allocation, and no regex to build for every entry of every policy load.
    /// </summary>
    private static bool WildcardMatch(string pattern, string name)
    {
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
