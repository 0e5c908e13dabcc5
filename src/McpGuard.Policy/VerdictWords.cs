namespace McpGuard.Policy;

/// <summary>The one place verdicts meet their words (<c>allow</c>, <c>deny</c>, <c>require_approval</c>), in policies and output.</summary>
internal static class VerdictWords
{
    public static string Word(Verdict verdict) => verdict switch
    {
        Verdict.Allow => "allow",
        Verdict.Deny => "deny",
        _ => "require_approval",
    };

    public static Verdict? Parse(string? word) => word switch
    {
        "allow" => Verdict.Allow,
        "deny" => Verdict.Deny,
        "require_approval" => Verdict.RequireApproval,
        _ => null,
    };
}
