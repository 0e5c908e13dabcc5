namespace McpGuard.Policy.Agents;

/// <summary>One agent of <c>agents.yaml</c>: its name and the SHA-256 of its bearer token (never the token).</summary>
internal sealed record AgentEntry(string Name, byte[] TokenHash, DateTimeOffset Added);
