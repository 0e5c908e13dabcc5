using System.Net.Http;
using System.Security.Authentication;
using McpGuard.Http.Upstream;

namespace McpGuard.Tests.Http;

/// <summary>How a failed upstream request is named in the one line the client and stderr get (docs/remote.md).
/// </summary>
public sealed class UpstreamFailureTests
{
    [Theory]
    [InlineData("Cannot determine the frame size or a corrupted frame was received.")]
    [InlineData("Cannot determine the frame size or a corrupted frame was received")]
    public void Describe_TlsFailure_NoDoubledFullStopWhenTheCallerEndsTheSentence(string why)
    {
        var failure = new HttpRequestException(
            HttpRequestError.SecureConnectionError, "SSL failed", new AuthenticationException(why));

        Assert.Equal(
            "TLS failed: Cannot determine the frame size or a corrupted frame was received",
            UpstreamFailure.Describe(failure));
    }
}
