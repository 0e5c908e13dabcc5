namespace McpGuard.Session;

/// <summary>
/// A server's own <c>input_required</c> round of a forwarded call: the client's retry that carries that server
/// <c>requestState</c> is the same logical call (<paramref name="CallId"/> in the audit). When the call was approved
/// by a person, <paramref name="ApprovedArgumentsHash"/> lets the retry through without asking twice, as long as the
/// tool and its arguments are unchanged and the retry comes from the same <paramref name="Agent"/>.
/// </summary>
internal sealed record RoundLink(
    string CallId, string ToolName, string? ApprovedArgumentsHash, DateTimeOffset Expires, string? Agent = null);
