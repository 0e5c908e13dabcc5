namespace McpGuard.Policy.Decide;

/// <summary>The rule ids that name no entry of the policy file, as the audit, test and explain write them.</summary>
internal static class RuleIds
{
    public const string Hide = "hide";

    public const string Default = "default";

    /// <summary>A limit refused the call (or allowed it with nothing to count).</summary>
    public const string Limits = "limits";

    /// <summary>The guard refused an approval round itself (stale, forged or answered state).</summary>
    public const string Approval = "approval";

    /// <summary>A tool the client's model picked in a sampling answer.</summary>
    public const string Sampling = "sampling";
}
