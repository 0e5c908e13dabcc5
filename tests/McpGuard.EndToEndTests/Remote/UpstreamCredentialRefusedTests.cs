using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>run --url</c> against a server that answers 401: with the guard's own <c>Authorization</c> given by
/// <c>--header</c>, the line says that credential was refused (a login would not change what is sent: the header
/// wins), without one it says how to give one; either way the value is never shown and the guard goes on.
/// </summary>
public sealed class UpstreamCredentialRefusedTests
{
    private const string Policy = """
        version: 1
        default: allow
        state:
          store: memory
        """;

    [Theory]
    [InlineData(true, "it refused the guard's credential (HTTP 401); check the Authorization given with --header")]
    [InlineData(false, "it asks for a credential (HTTP 401); run `mcpguard login --url")]
    public async Task Upstream401_TheLineFitsTheCredentialSent(bool withHeader, string reason)
    {
        await using var upstream = new ScriptedUpstream(_ => ScriptedUpstream.Response(
            "401 Unauthorized", null, "", "WWW-Authenticate: Bearer\r\nContent-Length: 0\r\n"));
        var home = Directory.CreateTempSubdirectory("mcpguard-remote-home-").FullName;
        var environment = new Dictionary<string, string> { ["MCPGUARD_HOME"] = home, ["UPSTREAM_TOKEN"] = "tok-9f3a" };
        string[] header = withHeader ? ["--header", "Authorization: Bearer ${UPSTREAM_TOKEN}"] : [];
        await using var guard = RawGuard.Start(Policy, [], ["--url", upstream.Url, .. header], environment);

        await guard.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        var message = (await guard.ResponseAsync("1")).GetProperty("error").GetProperty("message").GetString()!;

        Assert.Contains(upstream.Url + ": " + reason, message, StringComparison.Ordinal);
        Assert.Equal(
            withHeader ? "Bearer tok-9f3a" : null, upstream.Requests[0].Headers.GetValueOrDefault("authorization"));
        await guard.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
        Assert.True((await guard.ResponseAsync("2")).TryGetProperty("error", out _));
        guard.CloseStdin();
        Assert.Equal(0, await guard.WaitForExitAsync());
        Assert.DoesNotContain("tok-9f3a", guard.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A stored login whose token cannot be a header value (an authorization server sent a line break in it): the
    /// guard does not use it, and the request is answered (it went unanswered, the guard's stdout silent, before).
    /// </summary>
    [Fact]
    public async Task StoredTokenWithALineBreak_NotUsed_TheRequestAnswered()
    {
        await using var upstream = new ScriptedUpstream(_ => ScriptedUpstream.Response(
            "401 Unauthorized", null, "", "WWW-Authenticate: Bearer\r\nContent-Length: 0\r\n"));
        var home = Directory.CreateTempSubdirectory("mcpguard-remote-home-").FullName;
        Directory.CreateDirectory(Path.Combine(home, "tokens"));
        await File.WriteAllTextAsync(
            Path.Combine(home, "tokens", "issuer-0123456789abcdef.json"),
            $$"""
            {"logins":[{"url":"{{upstream.Url}}","issuer":"http://127.0.0.1:9","client_id":"c1",
              "token_endpoint":"http://127.0.0.1:9/token","resource":"{{upstream.Url}}",
              "access_token":"AT\r\nX-Evil: 1","expires_at":4102444800}]}
            """,
            TestContext.Current.CancellationToken);
        await using var guard = RawGuard.Start(
            Policy, [], ["--url", upstream.Url], new Dictionary<string, string> { ["MCPGUARD_HOME"] = home });

        await guard.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""");
        var message = (await guard.ResponseAsync("1")).GetProperty("error").GetProperty("message").GetString()!;

        Assert.Contains("run `mcpguard login --url " + upstream.Url, message, StringComparison.Ordinal);
        Assert.DoesNotContain(upstream.Requests, r => r.Headers.ContainsKey("x-evil"));
    }
}
