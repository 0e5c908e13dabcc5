namespace McpGuard.Http;

/// <summary>The authenticated caller of one HTTP request (a token's name, an OAuth claim, or the local user).</summary>
internal sealed record CallingAgent(string Name);
