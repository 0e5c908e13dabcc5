using System.Net;
using McpGuard.Http;

namespace McpGuard.Tests.Http;

/// <summary>DNS rebinding: only the listener's own host, localhost on loopback, or public_url's host pass.</summary>
public sealed class HostCheckTests
{
    private static HostCheck Check(string listen, string? publicUrl = null) => new(new ServeOptions
    {
        Listen = IPEndPoint.Parse(listen),
        Path = "/mcp",
        Auth = GatewayAuth.None.Instance,
        PublicUrl = publicUrl is null ? null : new Uri(publicUrl),
    });

    [Theory]
    [InlineData("127.0.0.1:8750", true)]
    [InlineData("localhost:8750", true)]
    [InlineData("LOCALHOST:8750", true)]
    [InlineData("evil.example:8750", false)]
    [InlineData("127.0.0.1:9999", false)]
    [InlineData("10.0.0.1:8750", false)]
    [InlineData("", false)]
    public void Loopback(string host, bool allowed)
    {
        Assert.Equal(allowed, Check("127.0.0.1:8750").Allows(host));
    }

    /// <summary>The host allowed last is remembered; what it admits is still exactly what the check admits.</summary>
    [Fact]
    public void AllowedHostRemembered_OthersStillChecked_ForgottenWhenThePortIsKnown()
    {
        var check = Check("127.0.0.1:0");
        check.BoundPort = 8750;

        Assert.True(check.Allows("127.0.0.1:8750"));
        Assert.True(check.Allows("127.0.0.1:8750"));
        Assert.False(check.Allows("evil.example:8750"));
        Assert.False(check.Allows("127.0.0.1:9999"));
        Assert.True(check.Allows("127.0.0.1:8750"));

        check.BoundPort = 9999;
        Assert.False(check.Allows("127.0.0.1:8750"));
        Assert.True(check.Allows("127.0.0.1:9999"));
    }

    /// <summary>
    /// A client whose URL spells the default port (<c>https://guard.example.com:443/mcp</c>) may send it in Host too
    /// (RFC 9110 section 7.2: Host is the URL's authority), and a proxy passing the client's Host on keeps it: the same
    /// authority as public_url's (qa31: it was 400, "This Host is not the gateway's").
    /// </summary>
    [Theory]
    [InlineData("https://guard.example.com/mcp", "guard.example.com:443", true)]
    [InlineData("https://guard.example.com:443/mcp", "guard.example.com:443", true)]
    [InlineData("https://guard.example.com:443/mcp", "guard.example.com", true)]
    [InlineData("http://guard.example.com/mcp", "GUARD.example.com:80", true)]
    [InlineData("https://guard.example.com/mcp", "guard.example.com:80", false)]
    [InlineData("https://guard.example.com:8443/mcp", "guard.example.com", false)]
    [InlineData("https://guard.example.com/mcp", "guard.example.com:4430", false)]
    public void PublicUrl_WithOrWithoutItsDefaultPort(string publicUrl, string host, bool allowed)
    {
        Assert.Equal(allowed, Check("127.0.0.1:8750", publicUrl).Allows(host));
    }

    [Theory]
    [InlineData("guard.example.com", true)]
    [InlineData("10.0.0.7:443", true)]
    [InlineData("localhost:443", true)]
    [InlineData("localhost:444", false)]
    [InlineData("evil.example", false)]
    public void Wildcard_WithPublicUrl(string host, bool allowed)
    {
        Assert.Equal(allowed, Check("0.0.0.0:443", "https://guard.example.com/mcp").Allows(host));
    }

    /// <summary>
    /// A wildcard listener answers on loopback too: a local client dialling http://localhost:PORT got 400 while
    /// http://127.0.0.1:PORT passed.
    /// </summary>
    [Theory]
    [InlineData("0.0.0.0:8750", "localhost:8750", true)]
    [InlineData("[::]:8750", "LocalHost:8750", true)]
    [InlineData("0.0.0.0:8750", "127.0.0.1:8750", true)]
    [InlineData("0.0.0.0:8750", "localhost:9999", false)]
    [InlineData("0.0.0.0:8750", "evil.example:8750", false)]
    [InlineData("10.0.0.7:8750", "localhost:8750", false)]
    public void Wildcard_LocalhostLikeItsLoopbackAddress(string listen, string host, bool allowed)
    {
        Assert.Equal(allowed, Check(listen).Allows(host));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8750", true)]
    [InlineData("http://localhost:8750", true)]
    [InlineData("https://127.0.0.1:8750", false)]
    [InlineData("http://127.0.0.1", false)]
    [InlineData("http://127.0.0.1:9999", false)]
    [InlineData("http://evil.example:8750", false)]
    [InlineData("null", false)]
    public void OwnOrigin_Loopback(string origin, bool own)
    {
        Assert.Equal(own, Check("127.0.0.1:8750").IsOwnOrigin(origin));
    }

    [Theory]
    [InlineData("https://guard.example.com", true)]
    [InlineData("https://guard.example.com:443", true)]
    [InlineData("http://guard.example.com", false)]
    [InlineData("https://guard.example.com:8443", false)]
    [InlineData("https://evil.example", false)]
    public void OwnOrigin_PublicUrl(string origin, bool own)
    {
        Assert.Equal(own, Check("0.0.0.0:443", "https://guard.example.com/mcp").IsOwnOrigin(origin));
    }
}
