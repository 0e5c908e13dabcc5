using System.Diagnostics.CodeAnalysis;

namespace McpGuard.Policy.Proving;

/// <summary>The words of <see cref="GuardVerdict"/>, as a cases file's <c>expect</c> and the commands' output write them.</summary>
internal static class GuardVerdictText
{
    private static readonly string[] s_words = ["allow", "deny", "require_approval", "unknown"];

    public static IReadOnlyList<string> All => s_words;

    public static string ToWord(GuardVerdict verdict) => s_words[(int)verdict];

    public static bool TryParse([NotNullWhen(true)] string? word, out GuardVerdict verdict)
    {
        var index = Array.IndexOf(s_words, word);
        verdict = index < 0 ? default : (GuardVerdict)index;
        return index >= 0;
    }

    public static GuardVerdict FromVerdict(Verdict verdict) => verdict switch
    {
        Verdict.Allow => GuardVerdict.Allow,
        Verdict.RequireApproval => GuardVerdict.RequireApproval,
        _ => GuardVerdict.Deny,
    };
}
