using System.Net.Sockets;
using McpGuard.Http.OAuth;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Http;

/// <summary>
/// The sign-in's loopback redirect with a connection open that says nothing (a browser's speculative preconnect, or
/// any local process): the browser's redirect on another connection still completes the sign-in.
/// </summary>
public sealed class LoopbackRedirectTests
{
    [Fact]
    public async Task WaitAsync_AnIdleConnectionOpenFirst_TheRedirectStillArrives()
    {
        using var redirect = new LoopbackRedirect();
        var waiting = redirect.WaitAsync("s+1", TestContext.Current.CancellationToken);
        using var idle = new TcpClient();
        await idle.ConnectAsync("127.0.0.1", redirect.Uri.Port, TestContext.Current.CancellationToken);

        using var browser = new HttpClient();
        var page = await browser.GetStringAsync(
            redirect.Uri + "?code=c-1&state=s%2B1", TestContext.Current.CancellationToken)
            .WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        var query = await waiting.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);

        Assert.Contains("McpGuard received the sign-in", page, StringComparison.Ordinal);
        Assert.Equal("c-1", query["code"]);
        Assert.Equal("s+1", query["state"]);
    }

    [Fact]
    public async Task WaitAsync_OtherPathsFirst_404AndTheRedirectStillArrives()
    {
        using var redirect = new LoopbackRedirect();
        var waiting = redirect.WaitAsync("s", TestContext.Current.CancellationToken);
        using var browser = new HttpClient();

        using var favicon = await browser.GetAsync(
            new Uri(redirect.Uri, "/favicon.ico"), TestContext.Current.CancellationToken);
        await browser.GetStringAsync(redirect.Uri + "?code=c-2&state=s", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, favicon.StatusCode);
        Assert.Equal("c-2", (await waiting)["code"]);
    }

    [Fact]
    public async Task WaitAsync_ARedirectWithAnotherState_400AndTheSignInWaitsForItsOwn()
    {
        // Any local process, or a page probing loopback ports, can call the callback first; a stale tab of an
        // earlier sign-in can too. Such a call ended the sign-in ("did not carry this sign-in's state").
        using var redirect = new LoopbackRedirect();
        var waiting = redirect.WaitAsync("own", TestContext.Current.CancellationToken);
        using var browser = new HttpClient();

        using var stray = await browser.GetAsync(
            redirect.Uri + "?code=c-stray&state=other", TestContext.Current.CancellationToken);
        using var none = await browser.GetAsync(redirect.Uri + "?code=c-none", TestContext.Current.CancellationToken);
        await browser.GetStringAsync(redirect.Uri + "?code=c-own&state=own", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, stray.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, none.StatusCode);
        var query = await waiting.WaitAsync(TestConstants.DefaultTimeout, TestContext.Current.CancellationToken);
        Assert.Equal("c-own", query["code"]);
    }
}
