namespace McpGuard.Http.OAuth;

/// <summary>
/// The guard's sign-in to one MCP server: the server's URL as given to <c>login</c>, the issuer and client it signed
/// in with, the RFC 8707 resource its tokens are for, and the tokens. <see cref="ToString"/> shows no token.
/// </summary>
internal sealed record StoredLogin
{
    public required string Url { get; init; }

    public required string Issuer { get; init; }

    public required string ClientId { get; init; }

    public required Uri TokenEndpoint { get; init; }

    public required string Resource { get; init; }

    public required string AccessToken { get; init; }

    public string? RefreshToken { get; init; }

    /// <summary>When the access token expires; null when the server did not say.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public override string ToString() => $"login to {Url} at {Issuer}";

    /// <summary>The key a login is stored and found under: the URL without its fragment.</summary>
    public static string KeyOf(Uri url) => url.GetLeftPart(UriPartial.Query);
}
