namespace McpGuard.Session;

/// <summary>
/// What a guard-minted <c>requestState</c> vouches for: the question was asked for this tool with these (canonical)
/// arguments, under the logical call <paramref name="CallId"/>, and is good until <paramref name="Deadline"/>, for
/// the agent that asked (<paramref name="Agent"/>): the person was shown that agent, so another one cannot use it.
/// </summary>
internal sealed record ApprovalClaims(
    string ToolName, string ArgumentsHash, DateTimeOffset Deadline, string CallId, string? Agent = null);
