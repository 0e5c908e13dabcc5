using System.Net.Http;
using System.Security.Authentication;
using McpGuard.Http.Upstream;

namespace McpGuard.Tests.Http;

/// <summary>How a failed upstream request is named in the one line the client and stderr get (docs/remote.md).
/// </summary>
public sealed class UpstreamFailureTests
{
    /// <summary>
    /// A handshake that failed for another reason than the guard's check of the certificate is said in the guard's
    /// words; .NET's ("Cannot determine the frame size…") is not printed (UpstreamTlsTests has the certificates).
    /// </summary>
    [Fact]
    public void Describe_TlsHandshakeFailed_SaidInTheGuardsWordsNotDotNets()
    {
        var failure = new HttpRequestException(
            HttpRequestError.SecureConnectionError,
            "SSL failed",
            new AuthenticationException("Cannot determine the frame size or a corrupted frame was received."));

        Assert.Equal(
            "TLS failed: the TLS handshake did not complete (not HTTPS on that port, or no TLS version in common)",
            UpstreamFailure.Describe(failure));
    }

    /// <summary>
    /// A 401 to a guard that sends its own Authorization (--header) is a refused credential: signing in would not
    /// change what is sent (the header wins over a login), so the line points at the header, not at login.
    /// </summary>
    [Fact]
    public void Status_401WithAnAuthorizationHeader_SaysTheCredentialWasRefused()
    {
        var options = new UpstreamOptions
        {
            Endpoint = new Uri("https://mcp.example.com/mcp?key=1"),
            Headers = [new UpstreamHeader("authorization", "Bearer sekrit")],
        };

        var line = UpstreamFailure.Status(System.Net.HttpStatusCode.Unauthorized, options);

        Assert.Equal("it refused the guard's credential (HTTP 401); check the Authorization given with --header", line);
    }

    [Fact]
    public void Status_401WithoutACredential_SaysHowToGiveOne()
    {
        var options = new UpstreamOptions { Endpoint = new Uri("https://mcp.example.com/mcp?key=1") };

        Assert.Equal(
            "it asks for a credential (HTTP 401); run `mcpguard login --url https://mcp.example.com/mcp`"
                + " or pass --header",
            UpstreamFailure.Status(System.Net.HttpStatusCode.Unauthorized, options));
    }

    /// <summary>An upstream whose headers pass .NET's limit (a 200 KB Mcp-Session-Id): said so, not "the request
    /// failed".</summary>
    [Fact]
    public void Describe_HeadersPastTheLimit_SaysSo()
    {
        var failure = new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, "too long");

        Assert.Equal("the headers of its answer were larger than McpGuard accepts", UpstreamFailure.Describe(failure));
    }
}
