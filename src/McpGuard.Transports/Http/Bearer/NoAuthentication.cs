namespace McpGuard.Http.Bearer;

/// <summary><c>auth: none</c> (loopback only): every request is the local user's.</summary>
internal sealed class NoAuthentication : IRequestAuthenticator
{
    private readonly AuthOutcome _localUser = new AuthOutcome.Accepted(Environment.UserName);

    public ValueTask<AuthOutcome> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken) =>
        new(_localUser);
}
