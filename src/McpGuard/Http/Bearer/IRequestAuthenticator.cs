namespace McpGuard.Http.Bearer;

/// <summary>How <c>serve</c> knows who sends a request: <c>serve.auth</c> in the policy (docs/serve.md).</summary>
internal interface IRequestAuthenticator
{
    /// <summary>The agent a request's bearer token (null when none was sent) names, or why there is none.</summary>
    ValueTask<AuthOutcome> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken);
}
