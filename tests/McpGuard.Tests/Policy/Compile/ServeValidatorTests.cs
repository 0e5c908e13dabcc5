using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Settings;
using McpGuard.Policy.Yaml;

namespace McpGuard.Tests.Policy.Compile;

/// <summary>The <c>serve</c> block: defaults, every key, and each rejection with its line and YAML path.</summary>
public sealed class ServeValidatorTests
{
    private static CompiledPolicy Accepted(string serve)
    {
        var result = PolicyLoader.LoadText("version: 1\ndefault: deny\n" + serve, "p.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Policy!;
    }

    private static PolicyError Rejected(string serve, string path)
    {
        var result = PolicyLoader.LoadText("version: 1\ndefault: deny\n" + serve, "p.yaml");
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors, e => e.Path == path);
        Assert.True(error.Line >= 3);
        return error;
    }

    [Fact]
    public void Accepts_NoServeBlock_AsLoopbackWithoutAuth()
    {
        var serve = Accepted("").Serve;

        Assert.Equal("127.0.0.1:8750", serve.Listen);
        Assert.Equal("/mcp", serve.Path);
        Assert.Null(serve.Auth);
        Assert.Equal(64, serve.MaxSessions);
        Assert.Equal(TimeSpan.FromMinutes(30), serve.SessionIdle);
    }

    [Fact]
    public void Accepts_EveryKey()
    {
        var serve = Accepted("""
            serve:
              listen: 0.0.0.0:443
              path: /guard/mcp
              public_url: https://guard.example.com/guard/mcp
              tls: { certificate: cert.pem, key: key.pem }
              allowed_origins: [https://claude.ai]
              auth: { tokens: agents.yaml }
              sessions: { max: 8, idle: 5m }
            """).Serve;

        Assert.Equal("0.0.0.0:443", serve.Listen);
        Assert.Equal("/guard/mcp", serve.Path);
        Assert.Equal(new Uri("https://guard.example.com/guard/mcp"), serve.PublicUrl);
        Assert.Equal(new ServeTls("cert.pem", "key.pem"), serve.Tls);
        Assert.Equal(["https://claude.ai"], serve.AllowedOrigins);
        Assert.Equal(new ServeAuth.Tokens("agents.yaml"), serve.Auth);
        Assert.Equal(8, serve.MaxSessions);
        Assert.Equal(TimeSpan.FromMinutes(5), serve.SessionIdle);
    }

    /// <summary>
    /// A browser sends its Origin serialized (RFC 6454 section 6.1): scheme and host in lower case, no default port. An
    /// entry spelt another way names the same origin, so it is kept in that form; else it was valid and matched no
    /// browser (qa31: <c>https://app.example.com:443</c> answered every request of that page 403).
    /// </summary>
    [Theory]
    [InlineData("https://app.example.com:443", "https://app.example.com")]
    [InlineData("HTTPS://App.Example.COM", "https://app.example.com")]
    [InlineData("http://tools.example.com:80", "http://tools.example.com")]
    [InlineData("http://localhost:3000", "http://localhost:3000")]
    [InlineData("https://app.example.com:8443", "https://app.example.com:8443")]
    [InlineData("http://[::1]:6274", "http://[::1]:6274")]
    [InlineData("vscode-webview://abcdefgh", "vscode-webview://abcdefgh")]
    public void AllowedOrigins_AreKeptAsBrowsersSendThem(string written, string kept)
    {
        Assert.Equal([kept], Accepted($"serve:\n  allowed_origins: [\"{written}\"]\n").Serve.AllowedOrigins);
    }

    /// <summary>No browser's Origin holds a user, a query or a fragment: such an entry could never match one.</summary>
    [Theory]
    [InlineData("https://user@app.example.com")]
    [InlineData("https://app.example.com?x=1")]
    [InlineData("https://app.example.com#top")]
    public void AllowedOrigins_ThatNoBrowserSends_AreRefused(string written)
    {
        Rejected($"serve:\n  allowed_origins: [\"{written}\"]\n", "serve.allowed_origins");
    }

    [Fact]
    public void Accepts_OAuthAndNone()
    {
        var oauth = Accepted(
            "serve:\n  auth:\n    oauth: { issuer: https://auth.example.com,"
                + " audience: https://g.example.com/mcp, scopes: [mcp:tools] }\n").Serve.Auth;
        var none = Accepted("serve:\n  auth: none\n").Serve.Auth;
        var loopback = Accepted("serve:\n  auth:\n    oauth: { issuer: http://127.0.0.1:9000, audience: x }\n");

        var parsed = Assert.IsType<ServeAuth.OAuth>(oauth);
        Assert.Equal("https://g.example.com/mcp", parsed.Audience);
        Assert.Equal(["mcp:tools"], parsed.Scopes);
        Assert.Equal("sub", parsed.AgentClaim);
        Assert.Same(ServeAuth.None.Instance, none);
        Assert.IsType<ServeAuth.OAuth>(loopback.Serve.Auth);
    }

    [Fact]
    public void Rejects_ListenPortZero_SayingThePortIsFixedHere()
    {
        var error = Rejected("serve:\n  listen: 127.0.0.1:0\n", "serve.listen");

        Assert.Contains("a port from 1 to 65535", error.Message, StringComparison.Ordinal);
        Assert.Contains("--listen 127.0.0.1:0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/Readyz")]
    [InlineData("/metrics")]
    [InlineData("/.well-known/oauth-protected-resource")]
    public void Rejects_PathOfTheGatewaysOwn_NamingIt(string path)
    {
        var error = Rejected($"serve:\n  path: {path}\n", "serve.path");

        Assert.Contains($"'{path}' is one of the gateway's own paths", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve:\n  listen: localhost\n", "serve.listen")]
    [InlineData("serve:\n  path: mcp\n", "serve.path")]
    [InlineData("serve:\n  public_url: guard.example.com\n", "serve.public_url")]
    [InlineData("serve:\n  tls: { certificate: c.pem }\n", "serve.tls")]
    [InlineData("serve:\n  allowed_origins: [https://claude.ai/chat]\n", "serve.allowed_origins")]
    [InlineData("serve:\n  auth: tokens\n", "serve.auth")]
    [InlineData("serve:\n  auth:\n    oauth: { audience: x }\n", "serve.auth.oauth.issuer")]
    [InlineData("serve:\n  auth:\n    oauth: { issuer: http://auth.example.com, audience: x }\n",
        "serve.auth.oauth.issuer")]
    [InlineData("serve:\n  sessions: { max: 0 }\n", "serve.sessions.max")]
    [InlineData("serve:\n  sessions: { idle: soon }\n", "serve.sessions.idle")]
    [InlineData("serve:\n  sessions: { idle: 60d }\n", "serve.sessions.idle")]
    [InlineData("serve:\n  sessions: { idle: 25h }\n", "serve.sessions.idle")]
    [InlineData("serve:\n  listne: 127.0.0.1:1\n", "serve.listne")]
    public void Rejects_WithPath(string serve, string path)
    {
        Rejected(serve, path);
    }
}
