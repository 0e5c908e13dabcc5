using System.Net;
using System.Text;
using McpGuard.Http.OAuth;
using McpGuard.Http.Upstream;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Http;

/// <summary>
/// Two guards signed in to one server (one per client, both reading the same token file): where the authorization
/// server rotates refresh tokens (oidc-provider does, for public clients), the first guard's refresh spends the
/// refresh token the second one holds in memory. The second must take the renewed login from the store, not fail
/// with "run mcpguard login" (nor reuse the spent token, which makes such servers revoke the whole grant).
/// </summary>
public sealed class StoredCredentialTests
{
    private static readonly DateTimeOffset s_start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public async Task Expired_AnotherGuardRenewedIt_TheStoredTokenUsedWithoutARefresh()
    {
        var (store, login, time) = Setup();
        var authorizationServer = new RotatingTokenEndpoint();
        using var first = new StoredCredential(login, store, new HttpClient(authorizationServer), time);
        using var second = new StoredCredential(login, store, new HttpClient(authorizationServer), time);
        time.Advance(TimeSpan.FromMinutes(5));

        var renewed = await first.GetAccessTokenAsync(TestContext.Current.CancellationToken);
        var seen = await second.GetAccessTokenAsync(TestContext.Current.CancellationToken);

        Assert.Equal("at-2", renewed);
        Assert.Equal("at-2", seen);
        Assert.Equal(1, authorizationServer.Refreshes);
    }

    [Fact]
    public async Task Expired_RenewedElsewhereWhileThisGuardRefreshed_TheStoredTokenUsed()
    {
        var (store, login, time) = Setup();
        var authorizationServer = new RotatingTokenEndpoint();
        // Another guard renews it between this guard's look at the store and its own refresh.
        authorizationServer.BeforeAnswer = () => store.Save(login with
        {
            AccessToken = "at-elsewhere",
            RefreshToken = "rt-elsewhere",
            ExpiresAt = time.GetUtcNow().AddHours(1),
        });
        authorizationServer.Spent.Add("rt-1");
        using var credential = new StoredCredential(login, store, new HttpClient(authorizationServer), time);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal("at-elsewhere", await credential.GetAccessTokenAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// Another guard renewed the login, and that renewal has expired too by the time this guard needs a token (a
    /// serve left running while a client's guard or `mcpguard tools --url` renewed it an hour ago). The stored refresh
    /// token is the live one: this guard's own was spent by that renewal, and using it again makes a rotating server
    /// refuse it and revoke the whole grant (qa31, by hand against oidc-provider: every later refresh was
    /// invalid_grant until `mcpguard login` again).
    /// </summary>
    [Fact]
    public async Task Expired_AnotherGuardRenewedItAndThatExpiredToo_RefreshedWithTheStoredRefreshToken()
    {
        var (store, login, time) = Setup();
        var authorizationServer = new RotatingTokenEndpoint();
        using var first = new StoredCredential(login, store, new HttpClient(authorizationServer), time);
        using var second = new StoredCredential(login, store, new HttpClient(authorizationServer), time);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("at-2", await first.GetAccessTokenAsync(TestContext.Current.CancellationToken));
        time.Advance(TimeSpan.FromHours(2));

        var seen = await second.GetAccessTokenAsync(TestContext.Current.CancellationToken);

        Assert.Equal("at-3", seen);
        Assert.Equal(["rt-1", "rt-2"], authorizationServer.Spent.Order(StringComparer.Ordinal));
        Assert.Equal("rt-3", store.Find(new Uri(login.Url))!.RefreshToken);
        Assert.Equal("at-3", await first.GetAccessTokenAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, authorizationServer.Refreshes);
    }

    /// <summary>
    /// The store holds the login this guard's own refresh replaced (its save did not land, or an older copy was
    /// written back): that login is older, not newer, and its refresh token is the one this guard spent.
    /// </summary>
    [Fact]
    public async Task Expired_TheStoredLoginIsTheOneThisGuardReplaced_RefreshedWithItsOwn()
    {
        var (store, login, time) = Setup();
        var authorizationServer = new RotatingTokenEndpoint();
        using var credential = new StoredCredential(login, store, new HttpClient(authorizationServer), time);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("at-2", await credential.GetAccessTokenAsync(TestContext.Current.CancellationToken));
        store.Save(login);
        time.Advance(TimeSpan.FromHours(2));

        Assert.Equal("at-3", await credential.GetAccessTokenAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["rt-1", "rt-2"], authorizationServer.Spent.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Expired_RefreshRefusedAndNothingNewerStored_SaysToSignInAgain()
    {
        var (store, login, time) = Setup();
        var authorizationServer = new RotatingTokenEndpoint();
        authorizationServer.Spent.Add("rt-1");
        using var credential = new StoredCredential(login, store, new HttpClient(authorizationServer), time);
        time.Advance(TimeSpan.FromMinutes(5));

        var refused = await Assert.ThrowsAsync<UpstreamCredentialException>(
            () => credential.GetAccessTokenAsync(TestContext.Current.CancellationToken).AsTask());

        Assert.Contains(
            "run `mcpguard login --url https://mcp.example.com/mcp`", refused.Message, StringComparison.Ordinal);
    }

    private static (TokenStore Store, StoredLogin Login, FakeTimeProvider Time) Setup()
    {
        var store = new TokenStore(
            Path.Combine(Directory.CreateTempSubdirectory("mcpguard-tokens-").FullName, "tokens"));
        var login = new StoredLogin
        {
            Url = "https://mcp.example.com/mcp",
            Issuer = "https://auth.example.com",
            ClientId = "c1",
            TokenEndpoint = new Uri("https://auth.example.com/token"),
            Resource = "https://mcp.example.com/mcp",
            AccessToken = "at-1",
            RefreshToken = "rt-1",
            ExpiresAt = s_start.AddMinutes(2),
        };
        store.Save(login);
        return (store, login, new FakeTimeProvider(s_start));
    }

    /// <summary>A token endpoint that rotates refresh tokens: each is good once.</summary>
    private sealed class RotatingTokenEndpoint : HttpMessageHandler
    {
        public HashSet<string> Spent { get; } = [];

        public int Refreshes { get; private set; }

        public Action? BeforeAnswer { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var form = await request.Content!.ReadAsStringAsync(cancellationToken);
            var refresh = form.Split('&').Single(p => p.StartsWith("refresh_token=", StringComparison.Ordinal))[14..];
            BeforeAnswer?.Invoke();
            if (!Spent.Add(refresh))
            {
                return new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    Content = new StringContent("""{"error":"invalid_grant"}""", Encoding.UTF8, "application/json"),
                };
            }

            Refreshes++;
            var json = $$"""{"access_token":"at-{{Refreshes + 1}}","token_type":"Bearer","expires_in":3600,"""
                + $$"""
                    "refresh_token":"rt-{{Refreshes + 1}}"}
                    """;
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            };
        }
    }
}
