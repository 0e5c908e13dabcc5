using System.Text.RegularExpressions;

namespace McpGuard.Policy.Results;

/// <summary>
/// A user's <c>{ name, regex }</c>. Compiled with <see cref="RegexOptions.NonBacktracking"/>, so a match costs time
/// linear in the text whatever the pattern: a pattern that needs backtracking (back-references, lookarounds, atomic
/// groups) is refused when the policy loads (docs/results.md#your-own-patterns).
/// </summary>
internal sealed class RegexDetector(string name, Regex regex) : TextDetector(name)
{
    public Regex Regex { get; } = regex;

    public override void Find(string text, List<TextMatch> found)
    {
        foreach (var match in Regex.EnumerateMatches(text))
        {
            if (match.Length > 0)
            {
                found.Add(new TextMatch(match.Index, match.Length));
            }
        }
    }
}
