namespace McpGuard.Policy.Tools;

/// <summary>
/// The one place tool effects meet their words, in <c>tools</c> (table and <c>--json</c>) and explanations.
/// </summary>
internal static class ToolEffectWords
{
    public static string Word(ToolEffect effect) => effect switch
    {
        ToolEffect.Allowed => "allowed",
        ToolEffect.Denied => "denied",
        ToolEffect.NeedsApproval => "needs approval",
        ToolEffect.Conditional => "conditional",
        _ => "hidden",
    };

    /// <summary>The effect of a verdict that decides a tool whatever its arguments.</summary>
    public static ToolEffect Of(Verdict verdict) => verdict switch
    {
        Verdict.Allow => ToolEffect.Allowed,
        Verdict.Deny => ToolEffect.Denied,
        _ => ToolEffect.NeedsApproval,
    };
}
