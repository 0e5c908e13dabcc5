using McpGuard.Http.Upstream;

namespace McpGuard.Http.OAuth;

/// <summary>
/// The guard's token for its upstream from <c>mcpguard login</c>: used while it has more than a minute left, else
/// refreshed first (and the new tokens stored). A refresh that fails ends in the denial that says to sign in again.
/// </summary>
internal sealed class StoredCredential(StoredLogin login, TokenStore store, HttpClient http, TimeProvider time)
    : IUpstreamCredential, IDisposable
{
    private static readonly TimeSpan s_margin = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private StoredLogin _login = login;

    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var current = _login;
        if (!NeedsRefresh(current))
        {
            return current.AccessToken;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (NeedsRefresh(_login) && !TryStored())
            {
                try
                {
                    _login = await TokenEndpoint.RefreshAsync(http, _login, time, cancellationToken);
                }
                catch (Exception ex) when (ex is OAuthException or HttpRequestException)
                {
                    if (TryStored())
                    {
                        return _login.AccessToken;
                    }

                    var why = ex is OAuthException ? ex.Message : "the authorization server did not answer";
                    throw new UpstreamCredentialException(
                        $"the sign-in to {_login.Url} expired and could not be renewed ({why});"
                            + $" run `mcpguard login --url {_login.Url}`");
                }

                store.Save(_login);
            }

            return _login.AccessToken;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public void Dispose() => _refreshing.Dispose();

    /// <summary>
    /// Takes the stored login when it is fresher: another guard on this server (one per client, or a new
    /// <c>mcpguard login</c>) may have renewed it. Where refresh tokens rotate, this guard's own refresh token is then
    /// spent, and using it again would fail (and may make the server revoke the whole grant).
    /// </summary>
    private bool TryStored()
    {
        if (store.Find(new Uri(_login.Url)) is not { } stored || stored.AccessToken == _login.AccessToken
            || NeedsRefresh(stored))
        {
            return false;
        }

        _login = stored;
        return true;
    }

    private bool NeedsRefresh(StoredLogin login) =>
        login.ExpiresAt is { } expires && expires - time.GetUtcNow() < s_margin;
}
