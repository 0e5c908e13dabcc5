using System.Net;
using System.Security.Cryptography;
using System.Text;
using McpGuard.Http;
using McpGuard.Http.Bearer;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpGuard.Tests.Http;

/// <summary>
/// The resource server's token checks, in memory: an authorization server answered by a handler (its RFC 8414
/// metadata and its key set), tokens signed here with its RSA key, and a fake clock.
/// </summary>
public sealed class OAuthAuthenticatorTests : IDisposable
{
    private const string Issuer = "https://auth.example.com";
    private const string Audience = "https://guard.example.com/mcp";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 7, 28, 12, 0, 0, TimeSpan.Zero));
    private RSA _rsa = RSA.Create(2048);
    private readonly IssuerServer _server = new();
    private readonly HttpClient _http;
    private readonly IssuerKeys _keys;
    private readonly OAuthAuthenticator _authenticator;
    private string _kid = "k1";

    public OAuthAuthenticatorTests()
    {
        _http = new HttpClient(_server);
        _keys = new IssuerKeys(_http, Issuer, _clock);
        _authenticator = new OAuthAuthenticator(
            new GatewayAuth.OAuth(new Uri(Issuer), Audience, ["mcp:tools"], "client_id"), _keys, _clock);
        _server.Jwks = Jwks();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Authenticate_ValidToken_AgentFromTheClaim()
    {
        var outcome = await _authenticator.AuthenticateAsync(Token(), Ct);

        Assert.Equal("trader", Assert.IsType<AuthOutcome.Accepted>(outcome).Agent);
    }

    // A GET stream or a waiting call opened with a token outlived its exp: nothing ended what it held open.
    [Fact]
    public async Task Authenticate_ValidToken_ExpiredFiresWhenTheTokenStopsBeingAccepted()
    {
        var outcome = await _authenticator.AuthenticateAsync(Token(expires: _clock.GetUtcNow().AddMinutes(10)), Ct);
        var expired = Assert.IsType<AuthOutcome.Accepted>(outcome).Expired;

        _clock.Advance(TimeSpan.FromMinutes(10));
        var withinSkew = expired.IsCancellationRequested;
        _clock.Advance(TimeSpan.FromSeconds(31));

        Assert.True(expired.CanBeCanceled);
        Assert.False(withinSkew);
        Assert.True(expired.IsCancellationRequested);
    }

    // A token living longer than a timer can wait (~24.8 days: int.MaxValue ms) was given no end at all.
    [Theory]
    [InlineData(30)]
    [InlineData(400)]
    public async Task Authenticate_TokenLivingLongerThanATimerWaits_ExpiredStillFires(int days)
    {
        var outcome = await _authenticator.AuthenticateAsync(Token(expires: _clock.GetUtcNow().AddDays(days)), Ct);
        var expired = Assert.IsType<AuthOutcome.Accepted>(outcome).Expired;

        _clock.Advance(TimeSpan.FromDays(days - 1));
        var dayBefore = expired.IsCancellationRequested;
        _clock.Advance(TimeSpan.FromDays(1));
        var withinSkew = expired.IsCancellationRequested;
        _clock.Advance(TimeSpan.FromSeconds(31));

        Assert.True(expired.CanBeCanceled);
        Assert.False(dayBefore);
        Assert.False(withinSkew);
        Assert.True(expired.IsCancellationRequested);
    }

    public static TheoryData<string, string> BadClaims => new()
    {
        { "aud", "the token is for another audience" },
        { "iss", "the token is from another issuer" },
        { "exp", "the token has expired or is not valid yet" },
        { "nbf", "the token has expired or is not valid yet" },
        { "client_id", "the token has no client_id claim naming its agent" },
    };

    [Theory]
    [MemberData(nameof(BadClaims))]
    public async Task Authenticate_BadClaim_Refused(string claim, string why)
    {
        var token = claim switch
        {
            "aud" => Token(audience: "https://other.example/mcp"),
            "iss" => Token(issuer: "https://evil.example.com"),
            "exp" => Token(expires: _clock.GetUtcNow().AddMinutes(-5)),
            "nbf" => Token(notBefore: _clock.GetUtcNow().AddMinutes(5)),
            _ => Token(agent: null),
        };

        var outcome = await _authenticator.AuthenticateAsync(token, Ct);

        Assert.Equal(new AuthOutcome.Refused(true, why), outcome);
    }

    [Theory]
    [InlineData("alice\nRule: tools.echo \u2014 allowed")]
    [InlineData("r\u202Eevil")]
    [InlineData("a\u0000b")]
    [InlineData("bell\u0007")]
    public async Task Authenticate_AgentWithControlOrFormatCharacters_Refused(string agent)
    {
        // The agent is shown to the person who approves (the elicitation question is plain text: a line break in it
        // could forge a "Rule:" line) and written in logs; agents.yaml names cannot hold such characters either.
        var outcome = await _authenticator.AuthenticateAsync(Token(agent: agent), Ct);

        Assert.Equal(
            new AuthOutcome.Refused(true, "the token's client_id claim holds control or format characters"), outcome);
    }

    [Fact]
    public async Task Authenticate_AgentBeyondAscii_Accepted()
    {
        var outcome = await _authenticator.AuthenticateAsync(Token(agent: "José Núñez"), Ct);

        Assert.Equal("José Núñez", Assert.IsType<AuthOutcome.Accepted>(outcome).Agent);
    }

    [Fact]
    public async Task Authenticate_UnsignedOrForged_Refused()
    {
        var valid = Token();
        var none = Base64Url("""{"alg":"none","typ":"at+jwt"}""") + "." + valid.Split('.')[1] + ".";
        using var other = RSA.Create(2048);

        Assert.IsType<AuthOutcome.Refused>(await _authenticator.AuthenticateAsync(none, Ct));
        Assert.IsType<AuthOutcome.Refused>(await _authenticator.AuthenticateAsync(Token(key: other), Ct));
        Assert.IsType<AuthOutcome.Refused>(await _authenticator.AuthenticateAsync("not-a-jwt", Ct));
        Assert.Equal(
            new AuthOutcome.Refused(false, "no bearer token"), await _authenticator.AuthenticateAsync(null, Ct));
    }

    [Fact]
    public async Task Authenticate_OpaqueToken_RefusedAsNotAJwt()
    {
        // What an authorization server issues when it is not told to make JWTs: a random handle, only usable with
        // token introspection (RFC 7662), which the guard does not do (docs/serve.md#oauth).
        var opaque = Base64Url(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        var outcome = await _authenticator.AuthenticateAsync(opaque, Ct);

        Assert.Equal(new AuthOutcome.Refused(true, "the token is not a JWT"), outcome);
    }

    [Fact]
    public async Task Authenticate_MissingScope_MissingScopeOutcome()
    {
        var outcome = await _authenticator.AuthenticateAsync(Token(scope: "mcp:read"), Ct);

        Assert.Equal(new AuthOutcome.MissingScope("the token lacks the scope mcp:tools"), outcome);
    }

    /// <summary>
    /// Authorization servers that write the granted scopes as <c>scp</c>: Okta as an array, Microsoft Entra ID as one
    /// space-separated string (qa31: read as the array's only element, "mcp:tools openid", so every Entra ID token
    /// lacked mcp:tools and got 403).
    /// </summary>
    [Theory]
    [InlineData("array")]
    [InlineData("string")]
    public async Task Authenticate_ScopesInScp_ArrayOrSpaceSeparatedString(string form)
    {
        object scp = form == "array" ? new[] { "openid", "mcp:tools" } : "openid mcp:tools";
        object lacking = form == "array" ? new[] { "openid", "mcp:read" } : "openid mcp:read";

        var granted = await _authenticator.AuthenticateAsync(Token(scope: null, scp: scp), Ct);
        var refused = await _authenticator.AuthenticateAsync(Token(scope: null, scp: lacking), Ct);

        Assert.Equal("trader", Assert.IsType<AuthOutcome.Accepted>(granted).Agent);
        Assert.Equal(new AuthOutcome.MissingScope("the token lacks the scope mcp:tools"), refused);
    }

    [Fact]
    public async Task Authenticate_RotatedKey_FetchesTheNewSetOnceItMayAgain()
    {
        Assert.IsType<AuthOutcome.Accepted>(await _authenticator.AuthenticateAsync(Token(), Ct));
        using var old = _rsa;
        (_rsa, _kid) = (RSA.Create(2048), "k2");
        _server.Jwks = Jwks();

        // Within 30 s of the last fetch an unknown key id does not fetch again (no hammering); after, it does.
        Assert.IsType<AuthOutcome.Refused>(await _authenticator.AuthenticateAsync(Token(), Ct));
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.IsType<AuthOutcome.Accepted>(await _authenticator.AuthenticateAsync(Token(), Ct));
        Assert.Equal(2, _server.JwksFetches);
    }

    [Fact]
    public async Task Authenticate_IssuerUnreachable_Unavailable()
    {
        _server.Down = true;

        Assert.IsType<AuthOutcome.Unavailable>(await _authenticator.AuthenticateAsync(Token(), Ct));
    }

    [Fact]
    public void Metadata_NamesTheResourceAndItsIssuer()
    {
        var settings = new GatewayAuth.OAuth(new Uri("http://127.0.0.1:9000"), Audience, ["mcp:tools"], "sub");

        var options = new ServeOptions
        {
            Listen = IPEndPoint.Parse("127.0.0.1:8750"), Path = "/mcp", Auth = settings,
        };
        var behindPrefix = options with { PublicUrl = new Uri("https://guard.example.com/team/mcp") };

        var document = Encoding.UTF8.GetString(ProtectedResourceMetadata.Document(options, settings));

        Assert.Equal(
            """{"resource":"https://guard.example.com/mcp","authorization_servers":"""
                + """["http://127.0.0.1:9000"],"scopes_supported":["mcp:tools"]"""
                + ""","bearer_methods_supported":["header"],"resource_name":"McpGuard"}""",
            document);
        Assert.Equal("/.well-known/oauth-protected-resource/mcp", ProtectedResourceMetadata.PathFor("/mcp"));
        Assert.Equal(
            ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"],
            ProtectedResourceMetadata.PathsFor(options));
        Assert.Equal(
            ["/.well-known/oauth-protected-resource/team/mcp", "/.well-known/oauth-protected-resource/mcp",
                "/.well-known/oauth-protected-resource"],
            ProtectedResourceMetadata.PathsFor(behindPrefix));
        Assert.Equal(
            "https://guard.example.com/team/mcp", ProtectedResourceMetadata.ResourceFor(behindPrefix, settings));
    }

    public void Dispose()
    {
        _keys.Dispose();
        _http.Dispose();
        _rsa.Dispose();
    }

    private string Token(
        string? agent = "trader", string audience = Audience, string issuer = Issuer, DateTimeOffset? expires = null,
        DateTimeOffset? notBefore = null, string? scope = "mcp:tools", RSA? key = null, object? scp = null)
    {
        var now = _clock.GetUtcNow();
        var claims = new Dictionary<string, object>();
        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        if (scp is not null)
        {
            claims["scp"] = scp;
        }
        if (agent is not null)
        {
            claims["client_id"] = agent;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = (notBefore ?? now.AddMinutes(-1)).UtcDateTime,
            Expires = (expires ?? now.AddMinutes(10)).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(
                new RsaSecurityKey(key ?? _rsa) { KeyId = _kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    private string Jwks()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        var (n, e) = (Base64Url(parameters.Modulus!), Base64Url(parameters.Exponent!));
        return $$"""{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"{{_kid}}","n":"{{n}}","e":"{{e}}"}]}""";
    }

    private static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The authorization server: its RFC 8414 metadata and its key set, counted; or down.</summary>
    private sealed class IssuerServer : HttpMessageHandler
    {
        public string Jwks { get; set; } = "";

        public bool Down { get; set; }

        public int JwksFetches { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new HttpRequestException("connection refused");
            }

            var body = request.RequestUri!.AbsolutePath switch
            {
                "/.well-known/oauth-authorization-server" =>
                    $$"""{"issuer":"{{Issuer}}","jwks_uri":"{{Issuer}}/jwks"}""",
                "/jwks" => Jwks,
                _ => null,
            };
            JwksFetches += request.RequestUri.AbsolutePath == "/jwks" ? 1 : 0;
            return Task.FromResult(body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json")
                });
        }
    }
}
