using Microsoft.Playwright;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// Debian's chromium through Playwright, waiting as long as every other wait of these tests
/// (<see cref="TestConstants.DefaultTimeout"/>). Playwright's own defaults are 5 s for an <c>Expect</c> and 30 s for an
/// action or a navigation: a desk page learns of a call from a guard's post and a report a second later, and at a load
/// of 40 on two cores that took longer than 5 s. The bound only stops a hang; each wait ends when the page is right.
/// </summary>
internal static class Chromium
{
    private static readonly float Patience = (float)TestConstants.DefaultTimeout.TotalMilliseconds;

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assertions.SetDefaultExpectTimeout(Patience);
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // Debian's chromium (.ci/apt-packages); Playwright's own browser download is never used.
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Timeout = Patience,
            Args = [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A new tab whose clicks, fills and navigations wait as long as the tests' other waits.</summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser, BrowserNewPageOptions? options = null)
    {
        var page = await browser.NewPageAsync(options);
        page.SetDefaultTimeout(Patience);
        page.SetDefaultNavigationTimeout(Patience);
        return page;
    }
}
