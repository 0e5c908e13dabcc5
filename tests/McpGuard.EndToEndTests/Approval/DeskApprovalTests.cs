using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpGuard.EndToEndTests.TestUtils;
using McpGuard.Tests.TestUtils;
using Microsoft.Playwright;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Approval;

/// <summary>
/// Claude Desktop's situation (no elicitation): the real guard asks the real <c>mcpguard desk</c>, and the call
/// is approved or denied there. Each test has its own <c>MCPGUARD_HOME</c> and port, so tests never share a desk.
/// </summary>
public sealed partial class DeskApprovalTests
{
    private const string Policy = """
        version: 1
        default: allow
        tools:
          echo: require_approval
        approval:
          timeout: 60s
          channels: [elicitation, desk]
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<CallToolResult> EchoAsync(GuardedServer guard, string message) =>
        guard.Client.CallToolAsync(
            "echo", new Dictionary<string, object?> { ["message"] = message }, cancellationToken: Ct)
            .AsTask();

    private static string Text(CallToolResult result) =>
        Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    private static Task<GuardedServer> StartGuardAsync(string home) =>
        GuardedServer.StartAsync(
            Policy, GuardedServer.Everything(),
            environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home });

    [Fact]
    public async Task CallTool_NoDeskRunning_IsDeniedTellingTheOperatorHowToStartOne()
    {
        var home = DeskProcess.NewHome();
        await using var guard = await StartGuardAsync(home);

        var result = await EchoAsync(guard, "nobody home");

        Assert.True(result.IsError);
        Assert.Contains("no approval channel is available", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(home, Text(result), StringComparison.Ordinal);
        await guard.WaitForStderrAsync("desk: no desk has been started");
        Assert.Contains(guard.Stderr, l => l.Contains("run `mcpguard desk`", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(home, "desk.secret")), "a guard must not create the desk's secret");
    }

    [Fact]
    public async Task CallTool_DeskStoppedSinceItRan_IsDeniedTellingTheOperatorNoDeskIsRunning()
    {
        var home = DeskProcess.NewHome();
        // Below the ephemeral range: no process binding port 0 takes the port the stopped desk leaves.
        await (await LoopbackPort.StartAsync(port => DeskProcess.StartAsync(home, port))).DisposeAsync();
        await using var guard = await StartGuardAsync(home);

        var result = await EchoAsync(guard, "desk gone");

        Assert.True(result.IsError);
        Assert.DoesNotContain("127.0.0.1", Text(result), StringComparison.Ordinal);
        await guard.WaitForStderrAsync("no desk is running on 127.0.0.1");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Desk_Started_SecretIsReadableByTheUserOnlyAndPortIsAnnounced()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        var home = DeskProcess.NewHome();

        await using var desk = await DeskProcess.StartAsync(home);

        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(home, "desk.secret")));
        Assert.Equal(
            desk.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            File.ReadAllText(Path.Combine(home, "desk.port")));
    }

    [Fact]
    public async Task CallTool_GuardStartedBeforeTheDesk_ApprovedOverTheDesk_IsForwarded()
    {
        var home = DeskProcess.NewHome();
        await using var guard = await StartGuardAsync(home);
        await using var desk = await DeskProcess.StartAsync(home);
        using var http = await desk.OpenAsBrowserAsync();

        var call = EchoAsync(guard, "via http");
        await guard.WaitForStderrAsync("posted to the desk").WaitAsync(TestConstants.DefaultTimeout, Ct);
        await DecideViaPageApiAsync(http, desk, await PendingIdAsync(http, desk, "via http"), approve: true);
        var result = await call.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("Echo: via http", Text(result));
    }

    [Fact]
    public async Task CallTool_DeskRestartsWhileWaiting_GuardPostsAgainAndTheNewDeskApproves()
    {
        var home = DeskProcess.NewHome();
        await using var guard = await StartGuardAsync(home);
        Task<CallToolResult> call;
        HttpClient http;
        // The second desk takes the first one's port, which is below the ephemeral range: no process binding port 0
        // takes it meanwhile.
        int port;
        await using (var first = await LoopbackPort.StartAsync(p => DeskProcess.StartAsync(home, p)))
        {
            port = first.Port;
            // The browser keeps its key cookie across the restart: the key comes from the same secret.
            http = await first.OpenAsBrowserAsync();
            call = EchoAsync(guard, "survives a restart");
            await guard.WaitForStderrAsync("posted to the desk").WaitAsync(TestConstants.DefaultTimeout, Ct);
        }

        await using var second = await DeskProcess.StartAsync(home, port);
        await guard.WaitForStderrAsync("posted it again").WaitAsync(TestConstants.DefaultTimeout, Ct);
        await DecideViaPageApiAsync(
            http, second, await PendingIdAsync(http, second, "survives a restart"), approve: true);
        var result = await call.WaitAsync(TestConstants.DefaultTimeout, Ct);
        http.Dispose();

        Assert.Equal("Echo: survives a restart", Text(result));
    }

    [Fact]
    public async Task CallTool_TwoGuardsOneDesk_EachGetsItsOwnAnswer()
    {
        var home = DeskProcess.NewHome();
        await using var desk = await DeskProcess.StartAsync(home);
        await using var first = await StartGuardAsync(home);
        await using var second = await StartGuardAsync(home);
        using var http = await desk.OpenAsBrowserAsync();

        var fromFirst = EchoAsync(first, "from the first guard");
        var fromSecond = EchoAsync(second, "from the second guard");
        await first.WaitForStderrAsync("posted to the desk").WaitAsync(TestConstants.DefaultTimeout, Ct);
        await second.WaitForStderrAsync("posted to the desk").WaitAsync(TestConstants.DefaultTimeout, Ct);
        await DecideViaPageApiAsync(
            http, desk, await PendingIdAsync(http, desk, "from the second guard"), approve: false);
        await DecideViaPageApiAsync(
            http, desk, await PendingIdAsync(http, desk, "from the first guard"), approve: true);

        Assert.Equal("Echo: from the first guard", Text(await fromFirst.WaitAsync(TestConstants.DefaultTimeout, Ct)));
        var denied = await fromSecond.WaitAsync(TestConstants.DefaultTimeout, Ct);
        Assert.True(denied.IsError);
        Assert.Contains("denied echo on the McpGuard desk", Text(denied), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallTool_ApproveAndDenyClickedInABrowser_GoThroughOrNot()
    {
        var home = DeskProcess.NewHome();
        await using var desk = await DeskProcess.StartAsync(home);
        await using var guard = await StartGuardAsync(home);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await Chromium.NewPageAsync(browser);
        await page.GotoAsync(desk.PageUrl);

        var approved = EchoAsync(guard, "click approve");
        var card = page.Locator(".card", new() { HasText = "click approve" });
        await Assertions.Expect(card).ToContainTextAsync("server: ");
        await Assertions.Expect(card).ToContainTextAsync("rule: tools.echo");
        await Assertions.Expect(card.Locator(".left")).ToContainTextAsync("s left");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        var approvedResult = await approved.WaitAsync(TestConstants.DefaultTimeout, Ct);

        var denied = EchoAsync(guard, "click deny");
        await page.Locator(".card", new() { HasText = "click deny" })
            .GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();
        var deniedResult = await denied.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal("Echo: click approve", Text(approvedResult));
        Assert.True(deniedResult.IsError);
        Assert.Contains("denied echo on the McpGuard desk", Text(deniedResult), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#feed")).ToContainTextAsync("denied echo");
        await Assertions.Expect(page.Locator("#feed")).ToContainTextAsync("approved echo");
        await Assertions.Expect(page.Locator("#pending")).ToContainTextAsync("Nothing is waiting.");
    }

    [Fact]
    public async Task Desk_RefusesForeignHostMissingOrWrongSecretAndCrossSitePosts()
    {
        var home = DeskProcess.NewHome();
        await using var desk = await DeskProcess.StartAsync(home);
        using var http = await desk.OpenAsBrowserAsync();
        using var stranger = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false });
        var secret = File.ReadAllText(Path.Combine(home, "desk.secret")).Trim();
        var csrf = CsrfMeta().Match(await http.GetStringAsync(desk.Url + "/", Ct)).Groups[1].Value;

        // Another local user reaches the port but has no key (it is derived from this user's secret file).
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync(desk.Url + "/", Ct)).StatusCode);
        using var strangerDecides = new HttpRequestMessage(
            HttpMethod.Post, $"{desk.Url}/api/decisions/g3") { Content = JsonContent.Create(new { approve = true }) };
        strangerDecides.Headers.Add("Origin", desk.Url);
        strangerDecides.Headers.Add("X-McpGuard-Csrf", csrf);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.SendAsync(strangerDecides, Ct)).StatusCode);

        // DNS rebinding: the attacker's name resolves to 127.0.0.1, so the browser sends the attacker's Host.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, desk.Url + "/api/state");
        rebound.Headers.Host = $"attacker.example:{desk.Port}";
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(rebound, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await PostGuardRequestAsync(http, desk, "g1", secret: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostGuardRequestAsync(http, desk, "g2", secret: "wrong"));
        Assert.Equal(HttpStatusCode.OK, await PostGuardRequestAsync(http, desk, "g3", secret));

        // A page on another site can post (a "simple" form post) but cannot read the token, nor fake Origin.
        using var crossSite = new HttpRequestMessage(
            HttpMethod.Post, $"{desk.Url}/api/decisions/g3") { Content = JsonContent.Create(new { approve = true }) };
        crossSite.Headers.Add("Origin", "https://attacker.example");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        crossSite.Headers.Add("X-McpGuard-Csrf", csrf);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(crossSite, Ct)).StatusCode);

        using var noToken = new HttpRequestMessage(
            HttpMethod.Post, $"{desk.Url}/api/decisions/g3") { Content = JsonContent.Create(new { approve = true }) };
        noToken.Headers.Add("Origin", desk.Url);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(noToken, Ct)).StatusCode);

        using var state = JsonDocument.Parse(await http.GetStringAsync(desk.Url + "/api/state", Ct));
        Assert.Equal(
            "g3",
            Assert.Single(state.RootElement.GetProperty("pending").EnumerateArray()).GetProperty("id").GetString());
    }

    private static async Task<HttpStatusCode> PostGuardRequestAsync(
        HttpClient http, DeskProcess desk, string id, string? secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{desk.Url}/api/guard/requests/{id}")
        {
            Content = new StringContent(
                """{"call_id":"1","server":"bybit","tool":"place_order","arguments":{}"""
                    + ""","rule":"tools.place_order","deadline":"2099-01-01T00:00:00Z"}""",
                Encoding.UTF8,
                "application/json"),
        };
        if (secret is not null)
        {
            // What a guard sends: the guard key derived from the secret (docs/approval.md#desk), never the secret.
            var guardKey = System.Security.Cryptography.HMACSHA256.HashData(
                Encoding.UTF8.GetBytes(secret), "mcpguard desk guard"u8);
            request.Headers.Add("X-McpGuard-Guard-Key", Convert.ToHexString(guardKey).ToLowerInvariant());
        }

        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    /// <summary>What the page's buttons do, over plain HTTP: the page's CSRF token and same origin.</summary>
    private static async Task DecideViaPageApiAsync(HttpClient http, DeskProcess desk, string id, bool approve)
    {
        var page = await http.GetStringAsync(desk.Url + "/", Ct);
        using var decide = new HttpRequestMessage(
            HttpMethod.Post, $"{desk.Url}/api/decisions/{id}") { Content = JsonContent.Create(new { approve }) };
        decide.Headers.Add("Origin", desk.Url);
        decide.Headers.Add("X-McpGuard-Csrf", CsrfMeta().Match(page).Groups[1].Value);
        using var decided = await http.SendAsync(decide, Ct);
        decided.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// The id of the pending request whose arguments contain <paramref name="text"/>; the guard has posted it by now.
    /// </summary>
    private static async Task<string> PendingIdAsync(HttpClient http, DeskProcess desk, string text)
    {
        using var state = JsonDocument.Parse(await http.GetStringAsync(desk.Url + "/api/state", Ct));
        return state.RootElement.GetProperty("pending").EnumerateArray()
            .Single(p => p.GetProperty("arguments").GetString()!.Contains(text, StringComparison.Ordinal))
            .GetProperty("id").GetString()!;
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([0-9A-F]+)">""")]
    private static partial Regex CsrfMeta();
}
