using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// <c>mcpguard serve</c> as an OAuth 2.1 resource server in front of the TypeScript SDK v2 server, with a real
/// authorization server: oidc-provider 9.13 (tests/npm/oauth/issuer.mjs) issuing JWT access tokens by the
/// client_credentials grant for the guard's resource (RFC 8707). A token for the guard lists and calls; one for
/// another audience, an expired one, an unsigned one (<c>alg: none</c>) and none at all get 401 with the RFC 9728
/// <c>resource_metadata</c>; a token without the required scope gets 403.
/// </summary>
public sealed class ServeOAuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Eras => new() { "2025-06-18", "auto" };

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task ValidToken_ListsAndCalls_AgentFromTheToken(string version)
    {
        await using var setup = await OAuthSetup.StartAsync();
        var token = await setup.TokenAsync("trader", setup.Resource);
        await using var client = await setup.Guard.ConnectAsync(
            new McpClientOptions { ProtocolVersion = version == "auto" ? null : version },
            headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + token });

        var names = (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name).ToList();
        var echo = await client.CallToolAsync(
            "echo", new Dictionary<string, object?> { ["text"] = "hi" }, cancellationToken: Ct);
        var order = await client.CallToolAsync(
            "place_order", new Dictionary<string, object?> { ["symbol"] = "BTC", ["qty"] = "1" },
            cancellationToken: Ct);

        Assert.Contains("echo", names);
        Assert.Equal("echo: hi", Assert.IsType<TextContentBlock>(Assert.Single(echo.Content)).Text);
        Assert.True(order.IsError);
        var records = await AuditRecordsAsync(setup.Guard);
        Assert.Contains(
            records,
            r => r.GetProperty("tool").GetString() == "echo" && r.GetProperty("agent").GetString() == "trader");
        Assert.DoesNotContain(setup.Guard.Stderr, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadTokens_401WithResourceMetadata_MissingScope403()
    {
        await using var setup = await OAuthSetup.StartAsync();
        var valid = await setup.TokenAsync("trader", setup.Resource);
        var otherAudience = await setup.TokenAsync("trader", "https://other.example/mcp");
        var expired = await setup.ExpiredTokenAsync();
        var unsigned = Unsigned(valid);
        var readOnly = await setup.TokenAsync("reader", setup.Resource);
        using var http = new HttpClient();

        // An opaque (non-JWT) token, as a server not told to issue JWTs hands out: refused, introspection is not done.
        var opaque = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        foreach (var bad in (string?[])[null, otherAudience, expired, unsigned, valid[..^4] + "AAAA", opaque])
        {
            using var refused = await PostAsync(http, setup.Guard.Url, bad);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var challenge = refused.Headers.WwwAuthenticate.ToString();
            Assert.Contains($"resource_metadata=\"{setup.MetadataUrl}\"", challenge, StringComparison.Ordinal);
            Assert.Equal(bad is not null, challenge.Contains("error=\"invalid_token\"", StringComparison.Ordinal));
            if (bad == opaque)
            {
                var why = await refused.Content.ReadAsStringAsync(Ct);
                Assert.Contains("the token is not a JWT", why, StringComparison.Ordinal);
            }
        }

        using var scoped = await PostAsync(http, setup.Guard.Url, readOnly);
        Assert.Equal(HttpStatusCode.Forbidden, scoped.StatusCode);
        Assert.Contains(
            "error=\"insufficient_scope\"", scoped.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var accepted = await PostAsync(http, setup.Guard.Url, valid);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        using var metadata = JsonDocument.Parse(await http.GetStringAsync(setup.MetadataUrl, Ct));
        Assert.Equal(setup.Resource, metadata.RootElement.GetProperty("resource").GetString());
        Assert.Equal(setup.Issuer, metadata.RootElement.GetProperty("authorization_servers")[0].GetString());
        Assert.DoesNotContain("RAN ", string.Join('\n', setup.Guard.Stderr), StringComparison.Ordinal);
    }

    /// <summary>
    /// Behind a proxy that serves the guard under a prefix (<c>public_url</c> <c>/team/mcp</c>, the listener's
    /// <c>/mcp</c>): the 401 names the metadata at <c>/.well-known/oauth-protected-resource/team/mcp</c> (RFC 9728
    /// section 3.1: the resource's path, where both SDKs' clients look), it is served there, and its
    /// <c>resource</c> is the public URL itself, as the C# SDK's client requires (the same URL it dialled) and the
    /// TypeScript SDK's (the same origin, a parent path). A token for that resource is accepted.
    /// </summary>
    [Fact]
    public async Task BehindAPathPrefix_MetadataIsThePublicUrls()
    {
        await using var setup = await OAuthSetup.StartAsync(publicPath: "/team/mcp");
        using var http = new HttpClient();

        using var refused = await PostAsync(http, setup.Guard.Url, null);
        using var metadata = JsonDocument.Parse(await http.GetStringAsync(setup.MetadataUrl, Ct));
        using var accepted = await PostAsync(http, setup.Guard.Url, await setup.TokenAsync("trader", setup.Resource));

        Assert.EndsWith("/.well-known/oauth-protected-resource/team/mcp", setup.MetadataUrl, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(
            $"Bearer resource_metadata=\"{setup.MetadataUrl}\"", refused.Headers.WwwAuthenticate.ToString());
        Assert.Equal(setup.Resource, metadata.RootElement.GetProperty("resource").GetString());
        Assert.Equal(setup.Issuer, metadata.RootElement.GetProperty("authorization_servers")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Metadata_ReadableByABrowserPage_OfAnyOrigin()
    {
        // A browser client (the MCP Inspector, a web app) reads the metadata before it has a token, from its own
        // origin, and the TypeScript SDK asks with MCP-Protocol-Version, which takes a CORS preflight.
        await using var setup = await OAuthSetup.StartAsync();
        using var http = new HttpClient();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, setup.MetadataUrl);
        preflight.Headers.Add("Origin", "http://localhost:6274");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "mcp-protocol-version");
        using var allowed = await http.SendAsync(preflight, Ct);
        using var get = new HttpRequestMessage(HttpMethod.Get, setup.MetadataUrl);
        get.Headers.Add("Origin", "http://localhost:6274");
        get.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        using var metadata = await http.SendAsync(get, Ct);

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(["*"], allowed.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("GET", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Contains(
            "mcp-protocol-version", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(),
            StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        Assert.Equal(["*"], metadata.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains(setup.Resource, await metadata.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task AgentScope_TwoAgentsAgainstMaxOne_EachGetsOne(string version)
    {
        await using var setup = await OAuthSetup.StartAsync(
            "  echo:\n    rate_limit: { max: 1, window: 1h, scope: agent }\n    action: allow\n");
        var texts = new List<string>();
        foreach (var agent in (string[])["trader", "analyst"])
        {
            var token = await setup.TokenAsync(agent, setup.Resource);
            await using var client = await setup.Guard.ConnectAsync(
                new McpClientOptions { ProtocolVersion = version == "auto" ? null : version },
                headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + token });
            foreach (var text in (string[])["first", "second"])
            {
                var result = await client.CallToolAsync(
                    "echo", new Dictionary<string, object?> { ["text"] = agent + " " + text }, cancellationToken: Ct);
                texts.Add(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
            }
        }

        Assert.Equal("echo: trader first", texts[0]);
        Assert.Contains("rate limit of 1 per 1h for echo for this agent reached", texts[1], StringComparison.Ordinal);
        Assert.Equal("echo: analyst first", texts[2]);
        Assert.Contains("for this agent reached", texts[3], StringComparison.Ordinal);
        var denied = (await AuditRecordsAsync(setup.Guard))
            .Where(r => r.TryGetProperty("decision", out var d) && d.GetString() == "deny").ToList();
        Assert.Equal(["trader", "analyst"], denied.Select(r => r.GetProperty("agent").GetString()));
    }

    [Fact]
    public async Task Telemetry_SharedChildSpans_NameEachRequestsAgent()
    {
        await using var receiver = new OtlpReceiver();
        await using var setup = await OAuthSetup.StartAsync(more: $"telemetry: {{ otlp: {receiver.Endpoint} }}\n");
        foreach (var agent in (string[])["trader", "analyst"])
        {
            var token = await setup.TokenAsync(agent, setup.Resource);
            await using var client = await setup.Guard.ConnectAsync(
                headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + token });
            await client.CallToolAsync(
                "echo", new Dictionary<string, object?> { ["text"] = agent }, cancellationToken: Ct);
        }

        Assert.Equal(143, await setup.Guard.TerminateAsync());

        var echoes = receiver.Spans.Where(s => s.Name == "tools/call echo" && s.Kind == 2)
            .Select(s => s.Attributes["mcpguard.agent"]);
        Assert.Equal(["analyst", "trader"], echoes.Order(StringComparer.Ordinal));
    }

    /// <summary>The token's claims under a header that says <c>alg: none</c>, with no signature.</summary>
    private static string Unsigned(string token)
    {
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"at+jwt"}""")).TrimEnd('=')
            .Replace('+', '-').Replace('/', '_');
        return header + "." + token.Split('.')[1] + ".";
    }

    /// <summary>A 2026-07-28 tools/list, raw, with the token if any.</summary>
    private static Task<HttpResponseMessage> PostAsync(HttpClient http, Uri url, string? token)
    {
        const string Body = """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{""" + ModernRequest.Meta + "}}";
        var request = new HttpRequestMessage(
            HttpMethod.Post, url) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/list");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http.SendAsync(request, Ct);
    }

    private static async Task<List<JsonElement>> AuditRecordsAsync(ServedGuard guard)
    {
        var text = await File.ReadAllTextAsync(OAuthSetup.AuditPath(guard.Home), Ct);
        return [
            .. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}
