namespace McpGuard.Policy.Settings;

/// <summary>The <c>approval</c> block: how a <c>require_approval</c> call reaches a person.</summary>
internal sealed record ApprovalSettings
{
    public static ApprovalSettings Default { get; } = new();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// <c>approval.progress</c>: how often a call waiting for a person sends <c>notifications/progress</c> to a client
    /// that gave it a progress token, so a client that resets its request timeout on progress keeps waiting.
    /// </summary>
    public TimeSpan Progress { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Channel names in the order they are tried: <c>elicitation</c>, <c>desk</c>, <c>command</c>.</summary>
    public IReadOnlyList<string> Channels { get; init; } = ["elicitation", "desk"];

    /// <summary>The approver program and its arguments for the <c>command</c> channel, if configured.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
}
