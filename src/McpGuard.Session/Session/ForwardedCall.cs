using McpGuard.Policy.Limits;

namespace McpGuard.Session;

/// <summary>
/// A tools/call that went to the server: what is needed to report how it ended, to give its counts back if it
/// did not run (<see cref="Receipt"/>, docs/limits.md#give-back), and, in the 2026-07-28 era, to link a server's
/// input-required round to it (<paramref name="ApprovedArgumentsHash"/> is set when a person approved it, so its
/// later rounds are not asked twice).
/// </summary>
internal sealed record ForwardedCall(
    string CallId,
    string ToolName,
    long StartedTimestamp,
    ProtocolEra Era = ProtocolEra.Legacy,
    string? ApprovedArgumentsHash = null)
{
    /// <summary>What the call counted in its limits.</summary>
    public LimitReceipt Receipt { get; init; } = LimitReceipt.Empty;

    /// <summary>The agent its outcome record names (serve's shared child); null where the log knows it.</summary>
    public string? Agent { get; init; }
}
