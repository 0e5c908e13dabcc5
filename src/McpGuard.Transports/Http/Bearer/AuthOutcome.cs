namespace McpGuard.Http.Bearer;

/// <summary>What the endpoint's authentication made of one request's credentials. A closed set.</summary>
internal abstract record AuthOutcome
{
    private AuthOutcome()
    {
    }

    /// <summary>The caller is this agent.</summary>
    public sealed record Accepted(string Agent) : AuthOutcome
    {
        /// <summary>
        /// Cancelled when the credential that was accepted no longer holds (its token revoked): the agent's open
        /// streams and sessions opened with it end (docs/serve.md#agents). None when nothing revokes it.
        /// </summary>
        public CancellationToken Revoked { get; init; }

        /// <summary>
        /// Cancelled when the credential stops being accepted by its own terms (an OAuth token's <c>exp</c>): the
        /// requests sent with it end then, as for a revocation, but a 2025 session it opened goes on (its client
        /// continues with a refreshed token). None when it does not expire.
        /// </summary>
        public CancellationToken Expired { get; init; }
    }

    /// <summary>No credentials, or ones that do not hold (401); <paramref name="Presented"/>: one was sent.</summary>
    public sealed record Refused(bool Presented, string Why) : AuthOutcome;

    /// <summary>A valid token without every scope the policy requires (403 <c>insufficient_scope</c>).</summary>
    public sealed record MissingScope(string Why) : AuthOutcome;

    /// <summary>The token could not be checked now: the authorization server's keys cannot be had (503).</summary>
    public sealed record Unavailable(string Why) : AuthOutcome;
}
