using System.Diagnostics;
using System.Text.Json;
using McpGuard.EndToEndTests.Modern;
using McpGuard.EndToEndTests.TestUtils;
using Microsoft.Playwright;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>mcpguard login</c> against a protected MCP server whose authorization server is oidc-provider 9.13 (npm,
/// tests/npm/oauth/server.mjs), the browser step done in Debian's chromium through Playwright: discovery from the
/// 401, dynamic registration, PKCE, consent, the loopback redirect, the token stored 0600; then <c>run --url</c>
/// calls with it, refreshing the short-lived access token first; after the refresh token is revoked, calls are
/// denied with a reason that says to run <c>mcpguard login</c>.
/// </summary>
public sealed class LoginTests
{
    [Fact]
    public async Task Login_ThenRun_TokenStoredRefreshedAndRevokedDenied()
    {
        // Access tokens live 5 s: less than the minute the guard keeps in hand, so each run refreshes first.
        await using var server = await NodeHttpServer.StartAsync(RepoPaths.NpmScriptPath("oauth/server.mjs"), "5");
        var issuer = $"http://127.0.0.1:{server.Ports[1]}";
        var home = Directory.CreateTempSubdirectory("mcpguard-login-home-").FullName;

        Assert.Equal(0, await SignInAsync(server.Url, home));

        var tokenFile = Assert.Single(Directory.GetFiles(Path.Combine(home, "tokens")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        }

        var environment = new Dictionary<string, string> { ["MCPGUARD_HOME"] = home, ["PASS_ENV"] = "1" };
        await using (var run = V2ClientRun.Start(
            "legacy", "deny", V2PeerTests.Policy, server: ["--url", server.Url], environment: environment))
        {
            Assert.Equal("echo: hi", V2ClientRun.ResultText(await run.StepAsync("allowed")));
            await run.StepAsync("closed");
        }

        Assert.Contains("GRANT refresh_token", server.Stderr, StringComparison.Ordinal);
        Assert.Contains("TOKEN ok", server.Stderr, StringComparison.Ordinal);

        await RevokeRefreshTokenAsync(issuer, tokenFile);
        await using var guard = RawGuard.Start(
            V2PeerTests.Policy, [], ["--url", server.Url], new Dictionary<string, string> { ["MCPGUARD_HOME"] = home });
        await guard.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        var message = (await guard.ResponseAsync("1")).GetProperty("error").GetProperty("message").GetString();
        Assert.Contains($"run `mcpguard login --url {server.Url}`", message, StringComparison.Ordinal);
        using var stored = JsonDocument.Parse(
            await File.ReadAllTextAsync(tokenFile, TestContext.Current.CancellationToken));
        foreach (var token in (string[])["access_token", "refresh_token"])
        {
            Assert.DoesNotContain(
                stored.RootElement.GetProperty("logins")[0].GetProperty(token).GetString()!, guard.Stderr,
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Login_ServerWithoutMetadata_OneLineAndExit1()
    {
        await using var server = await NodeHttpServer.StartV2Async();
        var home = Directory.CreateTempSubdirectory("mcpguard-login-home-").FullName;

        using var login = StartLogin(server.Url, home);
        var stderr = await login.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await login.WaitForExitAsync(TestContext.Current.CancellationToken)
            .WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);

        Assert.Equal(1, login.ExitCode);
        Assert.StartsWith("mcpguard: ", stderr, StringComparison.Ordinal);
        Assert.Contains("publishes no OAuth protected resource metadata", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    private static async Task<int> SignInAsync(string url, string home)
    {
        using var login = StartLogin(url, home);
        string? page = null;
        while (page is null
            && await login.StandardError.ReadLineAsync(TestContext.Current.CancellationToken).AsTask()
                .WaitAsync(TestConstants.DefaultTimeout) is { } line)
        {
            page = line.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) ? line : null;
        }

        Assert.NotNull(page);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var tab = await Chromium.NewPageAsync(browser);
        await tab.GotoAsync(page);
        await tab.FillAsync("input[name=login]", "alice");
        await tab.FillAsync("input[name=password]", "any");
        await tab.ClickAsync("button[type=submit]");
        await tab.ClickAsync("button[type=submit]");
        await Assertions.Expect(tab.Locator("body")).ToContainTextAsync("McpGuard received the sign-in");
        var rest = await login.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await login.WaitForExitAsync(TestContext.Current.CancellationToken)
            .WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        Assert.Contains("mode 0600", rest, StringComparison.Ordinal);
        return login.ExitCode;
    }

    private static Process StartLogin(string url, string home)
    {
        var guard = RepoPaths.Guard;
        var startInfo = new ProcessStartInfo(guard.Command)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false
        };
        foreach (var argument in (string[])[.. guard.Prefix, "login", "--url", url, "--no-browser", "--timeout", "2m"])
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["MCPGUARD_HOME"] = home;
        return Process.Start(startInfo)!;
    }

    /// <summary>RFC 7009 revocation of the stored refresh token, as the person would do at the provider.</summary>
    private static async Task RevokeRefreshTokenAsync(string issuer, string tokenFile)
    {
        using var document = JsonDocument.Parse(
            await File.ReadAllTextAsync(tokenFile, TestContext.Current.CancellationToken));
        var login = document.RootElement.GetProperty("logins")[0];
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = login.GetProperty("refresh_token").GetString()!,
            ["token_type_hint"] = "refresh_token",
            ["client_id"] = login.GetProperty("client_id").GetString()!,
        });
        using var response = await http.PostAsync(
            issuer + "/token/revocation", form, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"revocation: HTTP {(int)response.StatusCode}");
    }
}
