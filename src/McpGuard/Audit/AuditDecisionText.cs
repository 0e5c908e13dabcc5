using McpGuard.Policy;

namespace McpGuard.Audit;

/// <summary>The wire names of <see cref="AuditDecision"/>; these strings are part of the audit record schema.</summary>
internal static class AuditDecisionText
{
    private static readonly string[] s_names =
    [
        "allow", "deny", "require_approval", "approved", "refused", "cancelled", "unknown_tool", "hidden", "invalid",
    ];

    /// <summary>Every decision name, in the order the summary shows them.</summary>
    public static IReadOnlyList<string> All => s_names;

    public static string ToWire(AuditDecision decision) => s_names[(int)decision];

    public static bool TryParse(string? text, out AuditDecision decision)
    {
        var index = Array.IndexOf(s_names, text);
        decision = index < 0 ? default : (AuditDecision)index;
        return index >= 0;
    }

    /// <summary>The audit decision for a policy verdict, before any human is asked.</summary>
    public static AuditDecision FromVerdict(Verdict verdict) => verdict switch
    {
        Verdict.Allow => AuditDecision.Allow,
        Verdict.RequireApproval => AuditDecision.RequireApproval,
        _ => AuditDecision.Deny,
    };

    /// <summary>True for decisions that end a call without forwarding it.</summary>
    public static bool IsDenial(AuditDecision decision) => decision is
        AuditDecision.Deny or AuditDecision.Refused or AuditDecision.UnknownTool or AuditDecision.Hidden or AuditDecision.Invalid;
}
