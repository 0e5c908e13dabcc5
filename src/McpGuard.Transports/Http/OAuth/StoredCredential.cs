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

    /// <summary>
    /// The refresh token this guard's last refresh spent: a stored login that still holds it is older.
    /// </summary>
    private string? _spent;

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
            // A login stored since this guard read its own is the newest, also when its access token has expired
            // meanwhile: its refresh token is the live one where they rotate.
            if (NeedsRefresh(_login) && (!TakeStored() || NeedsRefresh(_login)))
            {
                try
                {
                    var spending = _login.RefreshToken;
                    _login = await TokenEndpoint.RefreshAsync(http, _login, time, cancellationToken);
                    _spent = spending;
                }
                catch (Exception ex) when (ex is OAuthException or HttpRequestException)
                {
                    if (TakeStored() && !NeedsRefresh(_login))
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
    /// Takes the stored login when it is not this guard's own: another guard on this server (one per client, or
    /// <c>mcpguard tools --url</c>) or a new <c>mcpguard login</c> renewed it since. Where refresh tokens rotate, this
    /// guard's own refresh token is then spent, and using it again would fail and make such a server revoke the
    /// whole grant (oidc-provider does), so the stored one is taken even when its access token has expired too.
    /// </summary>
    private bool TakeStored()
    {
        if (store.Find(new Uri(_login.Url)) is not { } stored || stored.AccessToken == _login.AccessToken
            || _spent is not null && stored.RefreshToken == _spent)
        {
            return false;
        }

        _login = stored;
        return true;
    }

    private bool NeedsRefresh(StoredLogin login) =>
        login.ExpiresAt is { } expires && expires - time.GetUtcNow() < s_margin;
}
