using McpGuard.EndToEndTests.TestUtils;
using ModelContextProtocol.Client;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>serve --url</c>: the HTTP gateway in front of a remote server (the TypeScript SDK v2 server over Streamable HTTP,
/// which records the headers of every request it gets), driven by the C# SDK's HTTP client in both eras. The client's
/// own <c>Authorization</c> and <c>Cookie</c> never reach the upstream; the guard's own header does.
/// </summary>
public sealed class ServeRemoteTests
{
    private const string Policy = """
        version: 1
        default: allow
        hide: [add_tool]
        tools:
          place_order: deny
        state: { store: memory }
        """;

    public static TheoryData<string> Eras => new() { "2025-06-18", "auto" };

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task ServeUrl_ListCallDeny_ClientCredentialsNeverForwarded(string version)
    {
        await using var upstream = await NodeHttpServer.StartV2Async();
        await using var guard = await ServedGuard.StartAsync(
            Policy, [], ["--url", upstream.Url, "--header", "X-Guard-Key: guard-own"]);
        await using var client = await guard.ConnectAsync(
            new McpClientOptions { ProtocolVersion = version == "auto" ? null : version },
            headers: new Dictionary<string, string>
            {
                ["Authorization"] = "Bearer client-secret",
                ["Cookie"] = "session=client-cookie"
            });
        var ct = TestContext.Current.CancellationToken;

        var names = (await client.ListToolsAsync(cancellationToken: ct)).Select(t => t.Name).ToList();
        var echo = await client.CallToolAsync(
            "echo", new Dictionary<string, object?> { ["text"] = "hi" }, cancellationToken: ct);
        var order = await client.CallToolAsync(
            "place_order", new Dictionary<string, object?> { ["symbol"] = "BTC", ["qty"] = "1" },
            cancellationToken: ct);

        Assert.Contains("echo", names);
        Assert.DoesNotContain("add_tool", names);
        Assert.Equal("echo: hi", Assert.IsType<ModelContextProtocol.Protocol.TextContentBlock>(echo.Content[0]).Text);
        Assert.True(order.IsError);
        Assert.DoesNotContain("RAN place_order", upstream.Stderr, StringComparison.Ordinal);
        var requests = upstream.Requests;
        Assert.NotEmpty(requests);
        Assert.All(
            requests, r => Assert.Equal("guard-own", r.GetProperty("headers").GetProperty("x-guard-key").GetString()));
        Assert.All(requests, r => Assert.False(r.GetProperty("headers").TryGetProperty("authorization", out _)));
        Assert.All(requests, r => Assert.False(r.GetProperty("headers").TryGetProperty("cookie", out _)));
        Assert.DoesNotContain("client-secret", upstream.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("client-cookie", upstream.Stderr, StringComparison.Ordinal);
    }
}
