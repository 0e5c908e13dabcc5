namespace McpGuard.Http.Bearer;

/// <summary>How <c>serve</c> knows who sends a request: <c>serve.auth</c> in the policy (docs/serve.md).</summary>
internal interface IRequestAuthenticator
{
    /// <summary>The agent a request's bearer token (null when none was sent) names, or why there is none.</summary>
    ValueTask<AuthOutcome> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken);

    /// <summary>
    /// The same from a request's whole <c>Authorization</c> header (null when none was sent), on a connection whose
    /// earlier requests' answers the authenticator may keep in <paramref name="connection"/>.
    /// </summary>
    ValueTask<AuthOutcome> AuthenticateAsync(
        string? authorization, IDictionary<object, object?> connection, CancellationToken cancellationToken) =>
        AuthenticateAsync(BearerToken(authorization), cancellationToken);

    /// <summary>The token of an <c>Authorization: Bearer</c> header; null when there is no such header.</summary>
    static string? BearerToken(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : null;
}
