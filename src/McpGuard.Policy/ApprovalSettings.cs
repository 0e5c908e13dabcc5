namespace McpGuard.Policy;

/// <summary>The <c>approval</c> block: how a <c>require_approval</c> call reaches a person.</summary>
internal sealed record ApprovalSettings
{
    public static ApprovalSettings Default { get; } = new();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Channel names in the order they are tried: <c>elicitation</c>, <c>desk</c>, <c>command</c>.</summary>
    public IReadOnlyList<string> Channels { get; init; } = ["elicitation", "desk"];

    /// <summary>The approver program and its arguments for the <c>command</c> channel, if configured.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
}
