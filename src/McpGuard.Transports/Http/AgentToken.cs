namespace McpGuard.Http;

/// <summary>One agent of the agents file as the gateway needs it: its name and its token's SHA-256.</summary>
internal sealed record AgentToken(string Name, byte[] TokenHash);
