using System.Diagnostics.CodeAnalysis;

namespace McpGuard.Policy.Decide;

/// <summary>
/// The one place decisions meet their words: a policy's actions (<c>allow</c>, <c>deny</c>,
/// <c>require_approval</c>), the audit record's <c>decision</c> field (docs/audit.md), and the words of
/// <c>mcpguard test</c>, <c>replay</c> and <c>explain</c> (docs/testing.md), which name what the policy asked for
/// (a call that needed a person is <c>require_approval</c> however the person answered). A hidden tool is
/// <c>hidden</c> in every command — explain, test, replay, tools, audit, the desk — the word of the policy's own
/// <c>hide</c>; a cases file may still say <c>expect: unknown</c> (what a client is answered), read as <c>hidden</c>.
/// </summary>
internal static class DecisionWords
{
    private static readonly string[] s_audit =
    [
        "allow", "deny", "require_approval", "approved", "refused", "cancelled", "unknown_tool", "hidden", "invalid",
    ];

    private static readonly string[] s_proven = ["allow", "deny", "require_approval", "hidden"];

    /// <summary>Every audit decision word, in the order the audit summary shows them.</summary>
    public static IReadOnlyList<string> AllAudit => s_audit;

    /// <summary>
    /// Every word a case's <c>expect</c> may say (and <c>unknown</c>, the older word for <c>hidden</c>).
    /// </summary>
    public static IReadOnlyList<string> AllProven => s_proven;

    /// <summary>A policy action's word, as policies write it.</summary>
    public static string Action(Verdict verdict) => s_audit[(int)Of(verdict)];

    public static Verdict? ParseAction(string? word) => word switch
    {
        "allow" => Verdict.Allow,
        "deny" => Verdict.Deny,
        "require_approval" => Verdict.RequireApproval,
        _ => null,
    };

    /// <summary>The call verdict of a policy's action, before any person is asked.</summary>
    public static CallVerdict Of(Verdict verdict) => verdict switch
    {
        Verdict.Allow => CallVerdict.Allow,
        Verdict.RequireApproval => CallVerdict.RequireApproval,
        _ => CallVerdict.Deny,
    };

    /// <summary>The audit record's word; part of the audit record schema.</summary>
    public static string Audit(CallVerdict verdict) => s_audit[(int)verdict];

    public static bool TryParseAudit(string? word, out CallVerdict verdict) => TryParse(s_audit, word, out verdict);

    /// <summary>True for decisions that end a call without forwarding it.</summary>
    public static bool IsDenial(CallVerdict verdict) => verdict is
        CallVerdict.Deny or CallVerdict.Refused or CallVerdict.UnknownTool or CallVerdict.Hidden or CallVerdict.Invalid;

    /// <summary>
    /// What the policy asked for, as test, replay and explain compare and print it: one of allow, deny,
    /// require_approval and hidden (<see cref="CallVerdict.UnknownTool"/>: to the client, a hidden tool does not
    /// exist).
    /// </summary>
    public static CallVerdict Proven(CallVerdict verdict) => verdict switch
    {
        CallVerdict.Approved or CallVerdict.Refused or CallVerdict.Cancelled => CallVerdict.RequireApproval,
        CallVerdict.Hidden => CallVerdict.UnknownTool,
        _ => verdict,
    };

    /// <summary>
    /// The word of <see cref="Proven"/>, as a cases file's <c>expect</c> and the commands' output write it.
    /// </summary>
    public static string ProvenWord(CallVerdict verdict) => Proven(verdict) switch
    {
        CallVerdict.Allow => "allow",
        CallVerdict.RequireApproval => "require_approval",
        CallVerdict.UnknownTool => "hidden",
        _ => "deny",
    };

    /// <summary>
    /// One decision as test, replay and explain print it: <c>require_approval by tools.place_order.rules[1]: REASON</c>
    /// (an allowed call's reason, if any, is left out).
    /// </summary>
    public static string Summary(CallVerdict verdict, string? ruleId, string? reason) =>
        $"{ProvenWord(verdict)} by {ruleId ?? RuleId.Hide.Text}" +
        (reason is not null && Proven(verdict) != CallVerdict.Allow ? $": {reason}" : "");

    /// <summary>
    /// <see cref="Summary(CallVerdict, string?, string?)"/> of a decision before any limit is counted.
    /// </summary>
    public static string Summary(CallDecision decision) => decision switch
    {
        CallDecision.Unknown { Decision: { } hidden } => Summary(decision.Verdict, hidden.RuleId.Text, hidden.Reason),
        CallDecision.Refuse refuse => Summary(decision.Verdict, refuse.Decision.RuleId.Text, refuse.Decision.Reason),
        CallDecision.Ask ask => Summary(decision.Verdict, ask.Decision.RuleId.Text, ask.Decision.Reason),
        CallDecision.Allow allow => Summary(decision.Verdict, allow.Decision.RuleId.Text, allow.Decision.Reason),
        _ => Summary(decision.Verdict, decision.RuleId?.Text, reason: null),
    };

    public static bool TryParseProven([NotNullWhen(true)] string? word, out CallVerdict verdict)
    {
        verdict = word switch
        {
            "allow" => CallVerdict.Allow,
            "deny" => CallVerdict.Deny,
            "require_approval" => CallVerdict.RequireApproval,
            "hidden" or "unknown" => CallVerdict.UnknownTool,
            _ => CallVerdict.Invalid,
        };
        return verdict != CallVerdict.Invalid;
    }

    private static bool TryParse(string[] words, string? word, out CallVerdict verdict)
    {
        var index = Array.IndexOf(words, word);
        verdict = index < 0 ? default : (CallVerdict)index;
        return index >= 0;
    }
}
