namespace McpGuard.Http;

/// <summary>
/// The authenticated caller of one HTTP request (a token's name, an OAuth claim, or the local user), and when its
/// credential stops holding (<see cref="Bearer.AuthOutcome.Accepted.Revoked"/>): what it opens ends then.
/// </summary>
internal sealed record CallingAgent(string Name, CancellationToken Revoked = default);
