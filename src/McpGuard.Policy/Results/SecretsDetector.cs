using System.Buffers;

namespace McpGuard.Policy.Results;

/// <summary>
/// <c>secrets</c>: well-known key formats (<see cref="KeyFormats"/>) and <c>key/secret/token/password</c>
/// assignments with high-entropy values (<see cref="SecretAssignments"/>). docs/results.md#secrets
/// </summary>
internal sealed class SecretsDetector() : TextDetector("secrets")
{
    // Every format starts with one of these, and every assignment's name holds one: a string without any of them is
    // skipped after one vectorised pass. Case is ignored here and checked again by the format that reads the hit.
    private static readonly SearchValues<string> s_anchors = SearchValues.Create(
        [
            "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "glrt-", "gldt-", "glptt-",
            "xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-", "xapp-", "hooks.slack.com/", "sk_live_", "sk_test_",
            "rk_live_", "rk_test_", "sk-", "AIza", "eyJ", "key", "secret", "token", "pass", "pwd",
        ],
        StringComparison.OrdinalIgnoreCase);

    public override bool MayMatch(ReadOnlySpan<char> piece) => piece.ContainsAny(s_anchors);

    public override void Find(string text, List<TextMatch> found)
    {
        var from = 0;
        while (from < text.Length)
        {
            var hit = text.AsSpan(from).IndexOfAny(s_anchors);
            if (hit < 0)
            {
                return;
            }

            var at = from + hit;
            if (KeyFormats.TryMatch(text, at, out var length)
                || SecretAssignments.TryMatch(text, at, out at, out length))
            {
                found.Add(new TextMatch(at, length));
                from = at + length;
            }
            else
            {
                from = at + 1;
            }
        }
    }
}
