using System.Net;
using System.Text;
using McpGuard.Http.OAuth;

namespace McpGuard.Tests.Http;

/// <summary>
/// <c>login</c>'s RFC 9728 step: the metadata a server points to must be for that server (RFC 9728 section 3.3),
/// else a server could have the guard fetch a token for another resource and then receive it.
/// </summary>
public sealed class OAuthDiscoveryTests
{
    private static readonly Uri s_server = new("https://mcp.example.com/mcp");

    [Theory]
    [InlineData("https://mcp.example.com/mcp")]
    [InlineData("https://mcp.example.com/mcp/")]
    [InlineData("https://mcp.example.com/")]
    [InlineData("https://MCP.example.com:443/mcp")]
    public async Task FindResource_MetadataForThisServer_Used(string resource)
    {
        var found = await OAuthDiscovery.FindResourceAsync(
            new HttpClient(new MetadataServer(resource)), s_server, TestContext.Current.CancellationToken);

        Assert.Equal(resource, found.Resource);
        Assert.Equal(["https://auth.example.com"], found.AuthorizationServers);
    }

    [Theory]
    [InlineData("https://bank.example.com/api")]
    [InlineData("https://mcp.example.com/mcpx")]
    [InlineData("https://mcp.example.com/other")]
    [InlineData("http://mcp.example.com/mcp")]
    [InlineData("https://mcp.example.com:8443/mcp")]
    public async Task FindResource_MetadataForAnotherResource_Refused(string resource)
    {
        var refused = await Assert.ThrowsAsync<OAuthException>(() => OAuthDiscovery.FindResourceAsync(
            new HttpClient(new MetadataServer(resource)), s_server, TestContext.Current.CancellationToken));

        Assert.Contains("is for another resource", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindServer_PlainHttpIssuerNotLoopback_RefusedBeforeAnyRequest()
    {
        var refused = await Assert.ThrowsAsync<OAuthException>(() => OAuthDiscovery.FindServerAsync(
            new HttpClient(new MetadataServer("unused")), "http://auth.example.com",
            TestContext.Current.CancellationToken));

        Assert.Contains("is not an https URL", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>401 naming its metadata, and the metadata with the given <c>resource</c>.</summary>
    private sealed class MetadataServer(string resource) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
                challenge.Headers.TryAddWithoutValidation("WWW-Authenticate",
                    "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"");
                return Task.FromResult(challenge);
            }

            var json = $$"""{"resource":"{{resource}}","authorization_servers":["https://auth.example.com"]}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            });
        }
    }
}
