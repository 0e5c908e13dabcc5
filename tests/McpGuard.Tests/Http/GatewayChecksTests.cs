using System.Net;
using McpGuard.Http;
using McpGuard.Http.Bearer;
using Microsoft.AspNetCore.Http;

namespace McpGuard.Tests.Http;

/// <summary>
/// The checks in front of the endpoint (docs/serve.md), in memory: what counts as one open request, and Origins.
/// </summary>
public sealed class GatewayChecksTests
{
    private static readonly ServeOptions s_options = new()
    {
        Listen = IPEndPoint.Parse("127.0.0.1:8750"),
        Path = "/mcp",
        Auth = GatewayAuth.None.Instance,
    };

    [Fact]
    public async Task OpenPostsAtTheCap_TheNextPostIs429()
    {
        var checks = new GatewayChecks(s_options, new NoAuthentication(), new AgentConcurrency(1));
        var held = new TaskCompletionSource();

        var open = checks.InvokeAsync(Request("POST"), _ => held.Task);
        var next = Request("POST");
        await checks.InvokeAsync(next, _ => Task.CompletedTask);
        held.SetResult();
        await open;

        Assert.Equal(StatusCodes.Status429TooManyRequests, next.Response.StatusCode);
        Assert.Equal("1", next.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task OpenGetStreams_DoNotCount_APostStillPasses()
    {
        // A 2025 session's GET stream is open for as long as its client is connected, idle or not.
        var checks = new GatewayChecks(s_options, new NoAuthentication(), new AgentConcurrency(1));
        var held = new TaskCompletionSource();
        var passed = false;

        var streams = new[] { checks.InvokeAsync(Request("GET"), _ => held.Task),
            checks.InvokeAsync(Request("GET"), _ => held.Task) };
        var post = Request("POST");
        await checks.InvokeAsync(post, _ =>
        {
            passed = true;
            return Task.CompletedTask;
        });
        held.SetResult();
        await Task.WhenAll(streams);

        Assert.True(passed);
        Assert.Equal(StatusCodes.Status200OK, post.Response.StatusCode);
    }

    [Fact]
    public async Task OpenListens_HaveACapOfTheirOwn_ACallStillPasses()
    {
        var checks = new GatewayChecks(
            s_options with { MaxRequestsPerAgent = 1 }, new NoAuthentication(), new AgentConcurrency(1));
        var held = new TaskCompletionSource();
        var passed = false;

        var listen = checks.InvokeAsync(Request("POST", "subscriptions/listen"), _ => held.Task);
        var secondListen = Request("POST", "subscriptions/listen");
        await checks.InvokeAsync(secondListen, _ => Task.CompletedTask);
        var call = Request("POST", "tools/call");
        await checks.InvokeAsync(call, _ =>
        {
            passed = true;
            return Task.CompletedTask;
        });
        held.SetResult();
        await listen;

        Assert.True(passed);
        Assert.Equal(StatusCodes.Status429TooManyRequests, secondListen.Response.StatusCode);
    }

    [Fact]
    public async Task TwoOriginHeaders_Forbidden_NotTakenForNone()
    {
        // A request with no Origin is allowed (not a browser); two are not none: neither may pass unchecked.
        var checks = new GatewayChecks(s_options, new NoAuthentication(), new AgentConcurrency(1));
        var passed = false;
        var request = Request("POST");
        request.Request.Headers.Origin = new(["https://evil.example", "http://127.0.0.1:8750"]);

        await checks.InvokeAsync(request, _ =>
        {
            passed = true;
            return Task.CompletedTask;
        });

        Assert.False(passed);
        Assert.Equal(StatusCodes.Status403Forbidden, request.Response.StatusCode);
    }

    /// <summary>
    /// Behind a proxy that serves the guard under a path prefix (<c>public_url</c> <c>/team/mcp</c>, the listener's
    /// <c>/mcp</c>), the 401 names the metadata at the well-known URL built from what clients dial (RFC 9728 section
    /// 3.1, as both SDKs' clients build it), not from the listener's path.
    /// </summary>
    [Fact]
    public async Task OAuthRefusal_BehindAPathPrefix_NamesTheMetadataOfThePublicUrl()
    {
        var oauth = new GatewayAuth.OAuth(
            new Uri("https://auth.example.com"), "https://guard.example.com/team/mcp", [], "sub");
        var options = s_options with { PublicUrl = new Uri("https://guard.example.com/team/mcp"), Auth = oauth };
        var checks = new GatewayChecks(options, new RefusingAuthenticator(), new AgentConcurrency(1));
        var request = Request("POST");

        await checks.InvokeAsync(request, _ => Task.CompletedTask);

        Assert.Equal(StatusCodes.Status401Unauthorized, request.Response.StatusCode);
        Assert.Equal(
            "Bearer resource_metadata=\"https://guard.example.com/.well-known/oauth-protected-resource/team/mcp\"",
            request.Response.Headers.WWWAuthenticate.ToString());
    }

    private static DefaultHttpContext Request(string method, string? mcpMethod = null)
    {
        var context = new DefaultHttpContext();
        if (mcpMethod is not null)
        {
            context.Request.Headers["Mcp-Method"] = mcpMethod;
        }

        context.Request.Method = method;
        context.Request.Host = new HostString("127.0.0.1:8750");
        context.Request.Path = "/mcp";
        context.Response.Body = Stream.Null;
        return context;
    }

    private sealed class RefusingAuthenticator : IRequestAuthenticator
    {
        public ValueTask<AuthOutcome> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken) =>
            ValueTask.FromResult<AuthOutcome>(new AuthOutcome.Refused(false, "no bearer token"));
    }
}
