using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpGuard.EndToEndTests.TestUtils;
using Microsoft.Playwright;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Approval;

/// <summary>Claude Desktop's situation (no elicitation): the call is approved or denied on the desk page.</summary>
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
        guard.Client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message }, cancellationToken: Ct).AsTask();

    private static Task<GuardedServer> StartGuardAsync(string home) =>
        GuardedServer.StartAsync(Policy, GuardedServer.Everything(), environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home });

    [Fact]
    public async Task CallTool_NoDeskRunning_IsDeniedSayingHowToStartOne()
    {
        var home = DeskProcess.NewHome();
        File.WriteAllText(Path.Combine(home, "desk.port"), DeskProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var guard = await StartGuardAsync(home);

        var result = await EchoAsync(guard, "nobody home");

        Assert.True(result.IsError);
        Assert.Contains("mcpguard desk", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallTool_ApprovedOverTheDeskHttpApi_IsForwarded()
    {
        var home = DeskProcess.NewHome();
        await using var guard = await StartGuardAsync(home); // the guard starts before the desk
        await using var desk = await DeskProcess.StartAsync(home, DeskProcess.FreePort());
        using var http = new HttpClient();

        var call = EchoAsync(guard, "via http");
        await ApproveViaApiAsync(http, desk, await WaitForPendingAsync(http, desk, "echo"));
        var result = await call.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("Echo: via http", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public async Task CallTool_DeskRestartsWhileWaiting_GuardPostsAgainAndTheNewDeskApproves()
    {
        var home = DeskProcess.NewHome();
        var port = DeskProcess.FreePort();
        using var http = new HttpClient();
        await using var guard = await StartGuardAsync(home);
        Task<CallToolResult> call;
        await using (var first = await DeskProcess.StartAsync(home, port))
        {
            call = EchoAsync(guard, "survives a restart");
            await WaitForPendingAsync(http, first, "echo");
        }

        await using var second = await DeskProcess.StartAsync(home, port);
        await ApproveViaApiAsync(http, second, await WaitForPendingAsync(http, second, "echo"));
        var result = await call.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal("Echo: survives a restart", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public async Task CallTool_ApproveAndDenyClickedInABrowser_GoThroughOrNot()
    {
        var home = DeskProcess.NewHome();
        await using var desk = await DeskProcess.StartAsync(home, DeskProcess.FreePort());
        await using var guard = await StartGuardAsync(home);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(desk.Url + "/");

        var approved = EchoAsync(guard, "click approve");
        await page.Locator(".card", new() { HasText = "click approve" }).GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        var approvedResult = await approved.WaitAsync(TestConstants.DefaultTimeout, Ct);

        var denied = EchoAsync(guard, "click deny");
        await page.Locator(".card", new() { HasText = "click deny" }).GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();
        var deniedResult = await denied.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal("Echo: click approve", Assert.IsType<TextContentBlock>(Assert.Single(approvedResult.Content)).Text);
        Assert.True(deniedResult.IsError);
        Assert.Contains("denied echo on the McpGuard desk", Assert.IsType<TextContentBlock>(Assert.Single(deniedResult.Content)).Text, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#feed")).ToContainTextAsync("denied echo");
        await Assertions.Expect(page.Locator("#feed")).ToContainTextAsync("approved echo");
    }

    /// <summary>What the page's Approve button does, over plain HTTP: the page's CSRF token and same origin.</summary>
    private static async Task ApproveViaApiAsync(HttpClient http, DeskProcess desk, string id)
    {
        var page = await http.GetStringAsync(desk.Url + "/", Ct);
        using var decide = new HttpRequestMessage(HttpMethod.Post, $"{desk.Url}/api/decisions/{id}") { Content = JsonContent.Create(new { approve = true }) };
        decide.Headers.Add("Origin", desk.Url);
        decide.Headers.Add("X-McpGuard-Csrf", CsrfMeta().Match(page).Groups[1].Value);
        using var decided = await http.SendAsync(decide, Ct);
        decided.EnsureSuccessStatusCode();
    }

    /// <summary>The page's state endpoint, polled until the guard's request shows up (the event we wait on).</summary>
    private static async Task<string> WaitForPendingAsync(HttpClient http, DeskProcess desk, string tool)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TestConstants.DefaultTimeout);
        while (true)
        {
            using var state = JsonDocument.Parse(await http.GetStringAsync(desk.Url + "/api/state", timeout.Token));
            foreach (var pending in state.RootElement.GetProperty("pending").EnumerateArray())
            {
                if (pending.GetProperty("tool").GetString() == tool)
                {
                    return pending.GetProperty("id").GetString()!;
                }
            }

            await Task.Delay(100, timeout.Token); // polling an HTTP endpoint, as the page does
        }
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([0-9A-F]+)">""")]
    private static partial Regex CsrfMeta();
}
