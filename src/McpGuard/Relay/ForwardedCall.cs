using McpGuard.Policy;

namespace McpGuard.Relay;

/// <summary>A tools/call that went to the server: what is needed to report how it ended, and to give its counts back if it did not run.</summary>
internal sealed record ForwardedCall(string CallId, string ToolName, long StartedTimestamp)
{
    /// <summary>What the call counted in its limits (see docs/limits.md#give-back).</summary>
    public LimitReceipt Receipt { get; init; } = LimitReceipt.Empty;
}
