using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;
using McpGuard.Tests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// oidc-provider (tests/npm/oauth/issuer.mjs) and <c>mcpguard serve</c> in OAuth mode in front of the v2 test server.
/// The guard's port is picked first (<see cref="LoopbackPort"/>), because the authorization server must know the
/// guard's resource URL (the audience it issues tokens for) before the guard, which needs the issuer's URL, starts.
/// </summary>
internal sealed class OAuthSetup : IAsyncDisposable
{
    private readonly NodeHttpServer _issuer;

    private OAuthSetup(NodeHttpServer issuer, ServedGuard guard, string resource)
    {
        _issuer = issuer;
        Guard = guard;
        Resource = resource;
    }

    public ServedGuard Guard { get; }

    /// <summary>The guard's resource URL: the audience its tokens must name.</summary>
    public string Resource { get; }

    public string Issuer => $"http://127.0.0.1:{_issuer.Ports[0]}";

    /// <summary>Where the 401 says the RFC 9728 metadata is: the well-known path followed by the resource's.</summary>
    public string MetadataUrl =>
        new Uri(Guard.Url, "/.well-known/oauth-protected-resource" + new Uri(Resource).AbsolutePath).ToString();

    public static string AuditPath(string home) => Path.Combine(home, "audit.jsonl");

    /// <param name="tools">The policy's <c>tools:</c> entries, indented by two spaces.</param>
    /// <param name="more">More top-level policy blocks, each line ending in a newline.</param>
    /// <param name="publicPath">
    /// The path of <c>serve.public_url</c> (on the guard's own origin), as behind a proxy that adds a prefix; the
    /// resource and the audience are then that URL. Null: no <c>public_url</c>, the resource is the endpoint.
    /// </param>
    public static Task<OAuthSetup> StartAsync(
        string tools = "  place_order: deny\n", string more = "", string? publicPath = null) =>
        // The guard's port must be known before it starts (it is the token's audience): LoopbackPort picks it, and
        // another one if it was taken before the guard bound it (the guard then says so and exits).
        LoopbackPort.StartAsync(port => StartOnAsync(port, tools, more, publicPath));

    private static async Task<OAuthSetup> StartOnAsync(int port, string tools, string more, string? publicPath)
    {
        var resource = $"http://127.0.0.1:{port}{publicPath ?? "/mcp"}";
        var publicUrl = publicPath is null ? "" : $"  public_url: \"{resource}\"\n";
        var issuer = await NodeHttpServer.StartAsync(RepoPaths.NpmScriptPath("oauth/issuer.mjs"), resource);
        try
        {
            var policy = $"""
                version: 1
                default: allow
                tools:
                {tools}{more}state: {"{"} store: memory {"}"}
                serve:
                {publicUrl}  auth:
                    oauth:
                      issuer: "http://127.0.0.1:{issuer.Ports[0]}"
                      audience: "{resource}"
                      scopes: [mcp:tools]
                      agent_claim: client_id
                """;
            var home = DeskProcess.NewHome();
            string[] options = ["--listen", $"127.0.0.1:{port}", "--audit", AuditPath(home)];
            var guard = await ServedGuard.StartAsync(policy, ["node", RepoPaths.V2Server], options, home);
            return new OAuthSetup(issuer, guard, resource);
        }
        catch
        {
            await issuer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// An access token from the authorization server's token endpoint (client_credentials, RFC 8707 resource).
    /// </summary>
    public async Task<string> TokenAsync(string client, string resource)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Issuer + "/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["resource"] = resource,
                ["scope"] = client == "reader" ? "mcp:read" : "mcp:tools",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(client + ":secret")));
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"token endpoint: HTTP {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// A token signed with the authorization server's own key, for the guard, that expired an hour ago.
    /// </summary>
    public async Task<string> ExpiredTokenAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(
            $"{Issuer}/test/expired?resource={Uri.EscapeDataString(Resource)}", TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Guard.DisposeAsync();
        await _issuer.DisposeAsync();
    }
}
