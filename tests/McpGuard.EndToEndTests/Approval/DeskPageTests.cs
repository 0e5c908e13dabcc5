using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using McpGuard.EndToEndTests.TestUtils;
using McpGuard.Tests.TestUtils;
using Microsoft.Playwright;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Approval;

/// <summary>
/// The desk page in chromium as a person meets it: a waiting call shows in the tab's title and as a browser
/// notification, labelled with the name wrap gave the server; a desk that stops shows a banner, and a page left
/// open across a restart still approves (its CSRF token is refreshed); a taken port costs one line.
/// </summary>
public sealed class DeskPageTests
{
    private const string Policy = """
        version: 1
        default: allow
        tools:
          echo: require_approval
        approval:
          timeout: 60s
          channels: [desk]
        """;

    // Records notifications instead of showing them: headless chromium has no notification centre to look at.
    private const string NotificationSpy = """
        window.__notifications = [];
        window.Notification = class {
          static permission = 'granted';
          static requestPermission() { return Promise.resolve('granted'); }
          constructor(title, options) { window.__notifications.push(title + ' / ' + options.body); }
        };
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<CallToolResult> EchoAsync(GuardedServer guard, string message) =>
        guard.Client.CallToolAsync(
            "echo", new Dictionary<string, object?> { ["message"] = message }, cancellationToken: Ct)
            .AsTask();

    [Fact]
    public async Task Page_CallWaits_TitleCountsItNotifiesAndLabelsTheServerByItsConfigName()
    {
        var home = DeskProcess.NewHome();
        await using var desk = await DeskProcess.StartAsync(home);
        await using var guard = await GuardedServer.StartAsync(
            Policy, GuardedServer.Everything(), guardOptions: ["--name", "my-everything"],
            environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await Chromium.NewPageAsync(browser);
        await page.AddInitScriptAsync(NotificationSpy);
        await page.GotoAsync(desk.PageUrl);
        await Assertions.Expect(page).ToHaveTitleAsync("McpGuard approval desk");

        var call = EchoAsync(guard, "counted in the title");
        var card = page.Locator(".card", new() { HasText = "counted in the title" });
        await Assertions.Expect(page).ToHaveTitleAsync("(1) McpGuard approval desk");
        await Assertions.Expect(card).ToContainTextAsync("server: my-everything");
        await Assertions.Expect(card).ToContainTextAsync($"asked by: {Environment.UserName}");
        var notifications = await page.EvaluateAsync<string[]>("window.__notifications");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await call.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal(["McpGuard: echo is waiting for you / server: my-everything"], notifications);
        await Assertions.Expect(page).ToHaveTitleAsync("McpGuard approval desk");
    }

    // A tool description in a pin's diff, or an argument, is often one long line (the real Bybit server's are 150-300
    // characters). Its <pre> widened the page's grid column past the window: the page scrolled sideways and the
    // decisions and limits column was pushed off screen (hqa22, the real server with pins.on_change:
    // require_approval). Long lines now wrap inside the card.
    [Fact]
    public async Task Page_CallWithOneLongLineOfArguments_WrapsInItsCardAndThePageDoesNotScrollSideways()
    {
        var home = DeskProcess.NewHome();
        await using var desk = await DeskProcess.StartAsync(home);
        await using var guard = await GuardedServer.StartAsync(
            Policy, GuardedServer.Everything(),
            environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await Chromium.NewPageAsync(browser, new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync(desk.PageUrl);

        var longLine = "order-" + string.Concat(Enumerable.Repeat("0123456789abcdef", 20));
        var call = EchoAsync(guard, longLine);
        var card = page.Locator(".card", new() { HasText = "order-0123" });
        await Assertions.Expect(card).ToBeVisibleAsync();
        var widths = await page.EvaluateAsync<int[]>(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await call.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.True(widths[0] <= widths[1], $"the page is {widths[0]} px wide in a {widths[1]} px window");
    }

    /// <summary>
    /// Under <c>serve</c> the card names the agent whose token made the call (docs/approval.md: "asked by").
    /// </summary>
    [Fact]
    public async Task Page_ServedCallWaits_CardSaysWhichAgentAsks()
    {
        var home = DeskProcess.NewHome();
        const string ServePolicy = Policy + "\nserve:\n  auth: { tokens: agents.yaml }\n";
        var token = await Serve.ServeHttpBoundsTests.AddAgentAsync(home, ServePolicy, "alice");
        await using var desk = await DeskProcess.StartAsync(home);
        await using var guard = await ServedGuard.StartAsync(ServePolicy, ["node", RepoPaths.V2Server], home: home);
        await using var client = await guard.ConnectAsync(headers: new Dictionary<string, string>
        {
            ["Authorization"] = "Bearer " + token,
        });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await Chromium.NewPageAsync(browser);
        await page.GotoAsync(desk.PageUrl);

        var arguments = new Dictionary<string, object?> { ["text"] = "asked for by alice" };
        var call = client.CallToolAsync("echo", arguments, cancellationToken: Ct).AsTask();
        var card = page.Locator(".card", new() { HasText = "asked for by alice" });
        await Assertions.Expect(card).ToContainTextAsync("asked by: alice");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        var result = await call.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Contains("asked for by alice", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public async Task Page_DeskStopsAndRestarts_BannerFailedApproveReportedThenTheSamePageApproves()
    {
        var home = DeskProcess.NewHome();
        await using var guard = await GuardedServer.StartAsync(
            Policy, GuardedServer.Everything(),
            environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await Chromium.NewPageAsync(browser);
        Task<CallToolResult> call;
        var card = page.Locator(".card", new() { HasText = "outlives the desk" });
        // The second desk takes the first one's port, which is below the ephemeral range: no process binding port 0
        // takes it meanwhile.
        int port;
        await using (var first = await LoopbackPort.StartAsync(p => DeskProcess.StartAsync(home, p)))
        {
            port = first.Port;
            await page.GotoAsync(first.PageUrl);
            call = EchoAsync(guard, "outlives the desk");
            await Assertions.Expect(card).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#banner")).ToBeHiddenAsync();
        }

        await Assertions.Expect(page.Locator("#banner")).ToContainTextAsync("Disconnected: the desk is not running");
        await Assertions.Expect(page).ToHaveTitleAsync("(disconnected) McpGuard approval desk");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(page.Locator("#notice"))
            .ToContainTextAsync("Approve failed: the desk cannot be reached");
        Assert.False(call.IsCompleted);

        // The new desk has a new CSRF token; the page learns it and its Approve goes through.
        await using var second = await DeskProcess.StartAsync(home, port);
        await guard.WaitForStderrAsync("posted it again").WaitAsync(TestConstants.DefaultTimeout, Ct);
        await Assertions.Expect(page.Locator("#banner")).ToBeHiddenAsync();
        await Assertions.Expect(page).ToHaveTitleAsync("(1) McpGuard approval desk");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        var result = await call.WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal("Echo: outlives the desk", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        await Assertions.Expect(page.Locator("#notice")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Page_GuardReports_LimitBarsWithWhenTheyFreeUpAndDecisionsPerMinute_ServerNameInert()
    {
        const string picturePolicy = """
            version: 1
            default: allow
            tools:
              echo: { action: allow, rate_limit: 3/minute }
              get-sum: { action: allow, budget: { argument: a, max: 10, window: 1h } }
              get-env: deny
              get-tiny-image: require_approval
            approval:
              timeout: 60s
              channels: [desk]
            """;
        var home = DeskProcess.NewHome();
        await using var desk = await DeskProcess.StartAsync(home);
        await using var guard = await GuardedServer.StartAsync(
            picturePolicy, GuardedServer.Everything(), guardOptions: ["--name", "bybit\u202Etestnet"],
            environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home });
        await EchoAsync(guard, "one");
        await EchoAsync(guard, "two");
        await guard.Client.CallToolAsync(
            "get-sum", new Dictionary<string, object?> { ["a"] = 4, ["b"] = 1 }, cancellationToken: Ct);
        var denied = await guard.Client.CallToolAsync("get-env", cancellationToken: Ct);
        Assert.True(denied.IsError);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await Chromium.NewPageAsync(browser, new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync(desk.PageUrl);
        var waiting = guard.Client.CallToolAsync("get-tiny-image", cancellationToken: Ct).AsTask();

        // The limits as the gauges read them from the store: rate 2 of 3 and budget 4 of 10, each freeing up later.
        var rate = page.Locator(".limit", new() { HasText = "echo · rate" });
        await Assertions.Expect(rate)
            .ToContainTextAsync("2 of 3 used · frees up in");
        await Assertions.Expect(rate.Locator(".fill")).ToHaveAttributeAsync("style", "width: 66.7%;");
        var budget = page.Locator(".limit", new() { HasText = "get-sum · budget" });
        await Assertions.Expect(budget).ToContainTextAsync("4 of 10 used · frees up in");

        // Decisions per minute from the decisions counter: the legend totals the last 15 minutes.
        var legend = page.Locator("#legend");
        await Assertions.Expect(legend).ToContainTextAsync("allow 3");
        await Assertions.Expect(legend).ToContainTextAsync("deny 1");
        await Assertions.Expect(page.Locator("#chart"))
            .ToHaveAttributeAsync("aria-label", new Regex(@"last 15 minutes: (\d+, ){14}\d+"));

        // The server's name came from the client config: a bidi override is shown, not obeyed.
        await Assertions.Expect(page.Locator(".guard .tool")).ToHaveTextAsync("bybit\\u202Etestnet");
        var card = page.Locator(".card", new() { HasText = "get-tiny-image" });
        await Assertions.Expect(card).ToBeVisibleAsync();
        if (Environment.GetEnvironmentVariable("MCPGUARD_DESK_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            // How docs/desk.png is made: MCPGUARD_DESK_SCREENSHOT=$PWD/docs/desk.png dotnet test ...
            // (docs/approval.md).
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        }

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        Assert.NotEqual(true, (await waiting.WaitAsync(TestConstants.DefaultTimeout, Ct)).IsError);
    }

    /// <summary>
    /// A guard that exits takes its limit bars off the page, but its decisions stay in the chart and the legend
    /// (docs/approval.md#the-picture); before, the whole picture of it vanished.
    /// </summary>
    [Fact]
    public async Task Page_GuardExited_ItsDecisionsStayInTheChart_ItsLimitsGo()
    {
        const string policy = """
            version: 1
            default: allow
            tools:
              echo: { action: allow, rate_limit: 5/minute }
            approval:
              channels: [desk]
            """;
        var home = DeskProcess.NewHome();
        await using var desk = await DeskProcess.StartAsync(home);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await Chromium.NewPageAsync(browser);
        await page.GotoAsync(desk.PageUrl);
        await using (var guard = await GuardedServer.StartAsync(
            policy, GuardedServer.Everything(), guardOptions: ["--name", "short\u200Blived\U000E0041"],
            environment: new Dictionary<string, string?> { ["MCPGUARD_HOME"] = home }))
        {
            await EchoAsync(guard, "one");
            await EchoAsync(guard, "two");
            await Assertions.Expect(page.Locator("#legend"))
                .ToContainTextAsync("allow 2");

            // Invisible characters in the name (a zero-width space, a Unicode tag) are shown, not hidden.
            await Assertions.Expect(page.Locator(".guard .tool")).ToHaveTextAsync("short\\u200Blived\\uDB40\\uDC41");
        }

        await Assertions.Expect(page.Locator("#limits"))
            .ToContainTextAsync("No running guard has reported.");
        await Assertions.Expect(page.Locator("#legend")).ToContainTextAsync("allow 2");
        await Assertions.Expect(page.Locator("#rate-now")).Not.ToHaveTextAsync("No decisions in 15 minutes.");
    }

    [Fact]
    public async Task Desk_PortTaken_OneLineNoStackTrace()
    {
        using var taken = new TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var guard = RepoPaths.Guard;
        var start = new ProcessStartInfo(guard.Command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in guard.Prefix.Concat(
            ["desk", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            start.ArgumentList.Add(argument);
        }

        var home = DeskProcess.NewHome();
        start.Environment["MCPGUARD_HOME"] = home;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TestConstants.DefaultTimeout, Ct);

        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"mcpguard: 127.0.0.1:{port} is already in use", line, StringComparison.Ordinal);
        Assert.Equal("", await output);

        // Nothing a guard would take for a desk: no port, and no secret this failed start created.
        Assert.Empty(Directory.Exists(home) ? Directory.GetFileSystemEntries(home) : []);
    }
}
