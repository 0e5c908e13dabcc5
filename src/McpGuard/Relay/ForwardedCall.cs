namespace McpGuard.Relay;

/// <summary>A tools/call that went to the server: what is needed to report how it ended.</summary>
internal sealed record ForwardedCall(string CallId, string ToolName, long StartedTimestamp);
