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
