using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using McpGuard.Desk;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Tests.Desk;

/// <summary>The desk over real HTTP on loopback: DNS rebinding, the guard secret, cross-site posts.</summary>
public sealed partial class DeskSecurityTests : IAsyncLifetime
{
    private const string Secret = "test-secret-0123456789";
    // Like a browser that opened the address `mcpguard desk` printed: it keeps the key cookie.
    private readonly HttpClient _http = new(
        new SocketsHttpHandler { UseProxy = false, CookieContainer = new CookieContainer() });
    private readonly HttpClient _stranger = new(
        new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false });
    private WebApplication? _app;
    private int _port;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Origin => $"http://127.0.0.1:{_port}";

    public async ValueTask InitializeAsync()
    {
        (_app, _port) = await DeskApp.StartAsync(0, Secret, TimeProvider.System, NullLoggerFactory.Instance, Ct);
        using var opened = await _http.GetAsync($"{Origin}/?key={DeskFiles.PageKey(Secret)}", Ct);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _stranger.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/state")]
    public async Task Get_ForeignHost_IsRefused(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Origin + path);
        request.Headers.Host = $"attacker.example:{_port}";

        using var response = await _http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost:1")]
    public async Task Get_LoopbackHostWithOtherPort_IsRefused(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Origin + "/");
        request.Headers.Host = host;

        using var response = await _http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Get_LocalhostHost_IsServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Origin + "/");
        request.Headers.Host = $"localhost:{_port}";

        using var response = await _http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/state")]
    [InlineData("/?key=0123")]
    public async Task Page_WithoutTheKey_IsUnauthorized(string path)
    {
        // Another local user can reach the port but cannot read this user's secret, so has no key.
        using var response = await _stranger.GetAsync(Origin + path, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Page_WithTheKey_SetsAStrictHttpOnlyCookieAndDropsTheKeyFromTheAddress()
    {
        using var response = await _stranger.GetAsync($"{Origin}/?key={DeskFiles.PageKey(Secret)}", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Decision_WithoutTheKeyCookie_IsUnauthorizedEvenWithTheCsrfToken()
    {
        var csrf = await CsrfAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Origin}/api/decisions/r1")
        {
            Content = new StringContent("""{"approve":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", Origin);
        request.Headers.Add(DeskSecurity.CsrfHeader, csrf);

        using var response = await _stranger.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task GuardApi_MissingOrWrongSecret_IsUnauthorized(string? secret)
    {
        using var response = await PostRequestAsync("r1", secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GuardApi_RightSecret_RequestIsPendingOnThePage()
    {
        using var posted = await PostRequestAsync("r1", Secret);
        var state = await _http.GetStringAsync(Origin + "/api/state", Ct);

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("\"tool\":\"place_order\"", state, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_CrossSiteWithoutCsrfToken_IsForbidden()
    {
        using var posted = await PostRequestAsync("r2", Secret);

        using var response = await DecideAsync(
            "r2", csrf: null, origin: "https://attacker.example", site: "cross-site");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("pending", await AnswerAsync("r2"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_TokenButForeignOrigin_IsForbidden()
    {
        using var posted = await PostRequestAsync("r3", Secret);

        using var response = await DecideAsync(
            "r3", await CsrfAsync(), origin: "https://attacker.example", site: "cross-site");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Decide_TokenButCrossSiteFetch_IsForbidden()
    {
        using var posted = await PostRequestAsync("r6", Secret);

        using var response = await DecideAsync("r6", await CsrfAsync(), origin: Origin, site: "cross-site");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Decide_TokenButNeitherOriginNorFetchSite_IsForbidden()
    {
        using var posted = await PostRequestAsync("r8", Secret);

        using var response = await DecideAsync("r8", await CsrfAsync(), origin: "", site: "");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Decide_ForeignHostWithToken_IsRefused()
    {
        using var posted = await PostRequestAsync("r7", Secret);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Origin}/api/decisions/r7")
        {
            Content = new StringContent("""{"approve":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = $"rebound.attacker.example:{_port}";
        request.Headers.Add(DeskSecurity.CsrfHeader, await CsrfAsync());

        using var response = await _http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("pending", await AnswerAsync("r7"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_WrongToken_IsForbidden()
    {
        using var posted = await PostRequestAsync("r4", Secret);

        using var response = await DecideAsync("r4", "not-the-token", origin: Origin, site: "same-origin");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Decide_SameOriginWithToken_ApprovesAndTheGuardHearsIt()
    {
        using var posted = await PostRequestAsync("r5", Secret);

        using var response = await DecideAsync("r5", await CsrfAsync(), origin: Origin, site: "same-origin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(
            $"\"state\":\"approved\",\"proof\":\"{DeskFiles.Proof(Secret, "r5", "approved")}\"",
            await AnswerAsync("r5"), StringComparison.Ordinal);
        Assert.Contains(
            "\"outcome\":\"approved\"", await _http.GetStringAsync(Origin + "/api/state", Ct),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task GuardApi_UnknownId_IsNotFoundSoTheGuardPostsAgain()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Origin + "/api/guard/requests/nobody");
        request.Headers.Add(DeskFiles.GuardKeyHeader, DeskFiles.GuardKey(Secret));

        using var response = await _http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostRequestAsync(string id, string? secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Origin}/api/guard/requests/{id}")
        {
            Content = new StringContent(
                """{"call_id":"1","server":"bybit","tool":"place_order","arguments":{"qty":"0.5"}"""
                    + ""","rule":"tools.place_order","deadline":"2099-01-01T00:00:00Z"}""",
                Encoding.UTF8,
                "application/json"),
        };
        if (secret is not null)
        {
            request.Headers.Add(DeskFiles.GuardKeyHeader, DeskFiles.GuardKey(secret));
        }

        using (request)
        {
            return await _http.SendAsync(request, Ct);
        }
    }

    private async Task<HttpResponseMessage> DecideAsync(string id, string? csrf, string origin, string site)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Origin}/api/decisions/{id}")
        {
            Content = new StringContent("""{"approve":true}""", Encoding.UTF8, "application/json"),
        };
        if (origin.Length > 0)
        {
            request.Headers.Add("Origin", origin);
        }

        if (site.Length > 0)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }

        if (csrf is not null)
        {
            request.Headers.Add(DeskSecurity.CsrfHeader, csrf);
        }

        return await _http.SendAsync(request, Ct);
    }

    private async Task<string> CsrfAsync() =>
        CsrfMeta().Match(await _http.GetStringAsync(Origin + "/", Ct)).Groups[1].Value;

    private async Task<string> AnswerAsync(string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Origin}/api/guard/requests/{id}");
        request.Headers.Add(DeskFiles.GuardKeyHeader, DeskFiles.GuardKey(Secret));
        using var response = await _http.SendAsync(request, Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([0-9A-F]+)">""")]
    private static partial Regex CsrfMeta();
}
