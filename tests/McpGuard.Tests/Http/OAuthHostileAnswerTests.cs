using System.Net;
using System.Text;
using McpGuard.Http.OAuth;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Http;

/// <summary>
/// <c>login</c> and the refresh against a server or authorization server that answers oddly: what it sends is data,
/// and no value of it may throw past the sign-in's own errors (a stack trace instead of one line).
/// </summary>
public sealed class OAuthHostileAnswerTests
{
    private static readonly Uri s_server = new("https://mcp.example.com/mcp");

    /// <summary>A header naming a file (or any scheme HttpClient refuses) is not fetched: the well-known is.</summary>
    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://mcp.example.com/metadata")]
    [InlineData("http://mcp.example.com/.well-known/oauth-protected-resource/mcp")]
    public async Task FindResource_401PointsAtAUrlNotToFetch_WellKnownUsedInstead(string advertised)
    {
        var handler = new Answers(request => request.Method == HttpMethod.Post
            ? Challenge(advertised)
            : request.RequestUri!.Scheme == "https"
                ? Json("""{"resource":"https://mcp.example.com/mcp","authorization_servers":["https://a.example"]}""")
                : throw new NotSupportedException($"The '{request.RequestUri.Scheme}' scheme is not supported."));

        var found = await OAuthDiscovery.FindResourceAsync(
            new HttpClient(handler), s_server, TestContext.Current.CancellationToken);

        Assert.Equal(["https://a.example"], found.AuthorizationServers);
        Assert.DoesNotContain(handler.Asked, url => url.Scheme != "https");
    }

    [Theory]
    [InlineData("9223372036854775807", 3650 * 24)]
    [InlineData("1e300", null)]
    [InlineData("-5", 0)]
    [InlineData("\"3600\"", 1)]
    [InlineData("\"soon\"", null)]
    public async Task Refresh_OddExpiresIn_ALifetimeWithinTenYearsOrNone(string expiresIn, int? hours)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var handler = new Answers(_ => Json(
            $$"""{"access_token":"at-2","token_type":"Bearer","expires_in":{{expiresIn}}}"""));

        var renewed = await TokenEndpoint.RefreshAsync(
            new HttpClient(handler), Login(), time, TestContext.Current.CancellationToken);

        Assert.Equal("at-2", renewed.AccessToken);
        Assert.Equal(hours is { } h ? time.GetUtcNow().AddHours(h) : null, renewed.ExpiresAt);
    }

    /// <summary>
    /// A token that cannot be a header value (a line break would end the Authorization header and start another; an
    /// empty one sends "Bearer" alone) is refused where it is received, with the sign-in's own error: a CR LF token
    /// made every later request of run --url go unanswered (an exception outside the request's failure handling).
    /// </summary>
    [Theory]
    [InlineData("\"AT\\r\\nX-Evil: 1\"")]
    [InlineData("\"AT\\u00e9\"")]
    [InlineData("\"\"")]
    [InlineData("\"two words\"")]
    public async Task Refresh_AccessTokenNotAHeaderValue_Refused(string token)
    {
        var handler = new Answers(_ => Json(
            $$"""{"access_token":{{token}},"token_type":"Bearer","expires_in":3600}"""));

        var refused = await Assert.ThrowsAsync<OAuthException>(() => TokenEndpoint.RefreshAsync(
            new HttpClient(handler), Login(), TimeProvider.System, TestContext.Current.CancellationToken));

        Assert.Equal("the token answer has no usable bearer access token", refused.Message);
    }

    private static StoredLogin Login() => new()
    {
        Url = s_server.ToString(),
        Issuer = "https://a.example",
        ClientId = "c1",
        TokenEndpoint = new Uri("https://a.example/token"),
        Resource = s_server.ToString(),
        AccessToken = "at-1",
        RefreshToken = "rt-1",
        ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000),
    };

    private static HttpResponseMessage Challenge(string metadata)
    {
        var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        challenge.Headers.TryAddWithoutValidation("WWW-Authenticate", $"Bearer resource_metadata=\"{metadata}\"");
        return challenge;
    }

    private static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    /// <summary>Answers each request with the script's response, and remembers every URL it was asked.</summary>
    private sealed class Answers(Func<HttpRequestMessage, HttpResponseMessage> script) : HttpMessageHandler
    {
        public List<Uri> Asked { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Asked.Add(request.RequestUri!);
            return Task.FromResult(script(request));
        }
    }
}
