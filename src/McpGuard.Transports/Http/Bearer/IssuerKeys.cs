using McpGuard.Http.OAuth;
using Microsoft.IdentityModel.Tokens;

namespace McpGuard.Http.Bearer;

/// <summary>
/// The authorization server's signing keys: its metadata (RFC 8414, path-aware, then OpenID discovery) names its
/// <c>jwks_uri</c>, and the key set is kept for ten minutes. A token signed with a key the set does not have asks
/// for a fresh set, at most once every 30 seconds, so a rotated key is picked up and a flood of made-up key ids
/// cannot make the guard hammer the authorization server.
/// </summary>
internal sealed class IssuerKeys(HttpClient http, string issuer, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan s_keep = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_minRefresh = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _fetching = new(1, 1);
    private IReadOnlyList<SecurityKey>? _keys;
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    /// <summary>The keys; fetched when none or old, or (<paramref name="refresh"/>) for newer ones.</summary>
    /// <exception cref="OAuthException">The metadata or the key set cannot be had or read.</exception>
    public async ValueTask<IReadOnlyList<SecurityKey>> GetAsync(bool refresh, CancellationToken cancellationToken)
    {
        if (_keys is { } keys && !Stale(refresh))
        {
            return keys;
        }

        await _fetching.WaitAsync(cancellationToken);
        try
        {
            if (_keys is null || Stale(refresh))
            {
                _keys = await FetchAsync(cancellationToken);
                _fetchedAt = clock.GetUtcNow();
            }

            return _keys;
        }
        finally
        {
            _fetching.Release();
        }
    }

    public void Dispose() => _fetching.Dispose();

    private bool Stale(bool refresh)
    {
        var age = clock.GetUtcNow() - _fetchedAt;
        return age > s_keep || (refresh && age > s_minRefresh);
    }

    private async Task<IReadOnlyList<SecurityKey>> FetchAsync(CancellationToken cancellationToken)
    {
        var jwksUri = await JwksUriAsync(cancellationToken);
        using var response = await http.GetAsync(jwksUri, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new OAuthException($"the key set at {jwksUri} answered HTTP {(int)response.StatusCode}.");
        }

        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (ArgumentException)
        {
            throw new OAuthException($"the key set at {jwksUri} is not a JSON Web Key Set.");
        }

        var keys = set.GetSigningKeys();
        return keys.Count > 0 ? [.. keys] : throw new OAuthException($"the key set at {jwksUri} has no signing key.");
    }

    private async Task<Uri> JwksUriAsync(CancellationToken cancellationToken)
    {
        var issuerUrl = new Uri(issuer);
        var path = issuerUrl.AbsolutePath.TrimEnd('/');
        Uri[] candidates =
        [
            new(issuerUrl, "/.well-known/oauth-authorization-server" + path),
            new(issuerUrl, "/.well-known/openid-configuration" + path),
            new(issuer.TrimEnd('/') + "/.well-known/openid-configuration"),
        ];
        foreach (var candidate in candidates.Distinct())
        {
            using var response = await http.GetAsync(candidate, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                continue;
            }

            using var document = await OAuthJson.ReadAsync(
                response, "The authorization server metadata", cancellationToken);
            if (OAuthJson.String(document.RootElement, "issuer") != issuer)
            {
                // RFC 8414 section 3.3: metadata for another issuer must not be used.
                throw new OAuthException($"the metadata at {candidate} is for another issuer.");
            }

            return OAuthJson.Url(document.RootElement, "jwks_uri")
                ?? throw new OAuthException($"the metadata at {candidate} has no usable jwks_uri.");
        }

        throw new OAuthException($"{issuer} publishes no authorization server metadata (RFC 8414).");
    }
}
