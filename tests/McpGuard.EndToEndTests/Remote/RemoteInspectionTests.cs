using McpGuard.EndToEndTests.TestUtils;
using McpGuard.Tests.TestUtils;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// <c>tools</c>, <c>check</c>, <c>pin</c> and <c>init</c> with <c>--url</c>: the inventory of a remote server (the
/// TypeScript SDK v2 server over Streamable HTTP), reached as <c>run --url</c> reaches it — the guard's own
/// <c>--header</c> on every request, one 2025 session ended with DELETE. They could only start a child before.
/// </summary>
public sealed class RemoteInspectionTests : IDisposable
{
    private const string Policy = """
        version: 1
        default: deny
        hide: [wait_ms]
        tools:
          echo: allow
          place_order:
            action: allow
            budget: { argument: qty, max: 1, window: 1h, per: symbol }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("mcpguard-inventory-").FullName;

    [Fact]
    public async Task ToolsCheckAndPin_Url_ListTheRemoteServerWithTheGuardsHeader()
    {
        await using var server = await NodeHttpServer.StartV2Async();
        var policy = Path.Combine(_folder, "policy.yaml");
        File.WriteAllText(policy, Policy);
        string[] remote = ["--url", server.Url, "--header", "X-Inventory-Key: key-123"];

        var tools = await GuardCommand.RunAsync(["tools", "--policy", policy, .. remote]);
        var check = await GuardCommand.RunAsync(["check", "--policy", policy, .. remote]);
        var pin = await GuardCommand.RunAsync(["pin", "--policy", policy, .. remote]);
        var pinCheck = await GuardCommand.RunAsync(["pin", "--policy", policy, "--check", .. remote]);
        var starter = Path.Combine(_folder, "starter.yaml");
        var init = await GuardCommand.RunAsync(["init", "--out", starter, .. remote]);

        Assert.True(tools.Code == 0, tools.Error);
        Assert.Contains("sum of qty <= 1 per 1h per symbol", tools.Output, StringComparison.Ordinal);
        Assert.Matches(@"wait_ms +\S+ +hidden", tools.Output);
        Assert.Contains("tools on the server;", tools.Output, StringComparison.Ordinal);
        Assert.True(check.Code == 0, check.Output + check.Error);
        Assert.Contains("valid against", check.Output, StringComparison.Ordinal);
        Assert.True(pin.Code == 0, pin.Output + pin.Error);
        Assert.Single(Directory.GetFiles(_folder, "*.lock.json"));
        Assert.True(pinCheck.Code == 0, pinCheck.Output + pinCheck.Error);
        Assert.True(init.Code == 0, init.Output + init.Error);
        Assert.Contains("McpGuard starter policy for 127.0.0.1", File.ReadAllText(starter), StringComparison.Ordinal);
        Assert.Contains($"--url {server.Url}", init.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(
            "key-123", tools.Output + tools.Error + check.Output + pin.Output, StringComparison.Ordinal);

        // Every request carried the guard's header; each command's 2025 session was ended.
        var requests = server.Requests;
        Assert.NotEmpty(requests);
        Assert.All(requests, request => Assert.Equal(
            "key-123", request.GetProperty("headers").GetProperty("x-inventory-key").GetString()));
        Assert.Equal(5, requests.Count(request => request.GetProperty("method").GetString() == "DELETE"));
    }

    [Fact]
    public async Task Tools_UrlThatRefusesConnections_OneLineExit1()
    {
        var policy = Path.Combine(_folder, "policy.yaml");
        File.WriteAllText(policy, Policy);
        using var closed = LoopbackPort.HoldClosed(out var port);
        var url = $"http://127.0.0.1:{port}/mcp";

        var (code, output, error) = await GuardCommand.RunAsync("tools", "--policy", policy, "--url", url);

        Assert.Equal(1, code);
        Assert.Empty(output);
        // One line saying why (after the "starting … (waiting up to 60 s)" line, which a loaded machine may earn).
        var lines = error.TrimEnd('\n').Split('\n');
        // The cause once, not once for initialize and again for server/discover with the URL each time.
        Assert.Equal(
            $"mcpguard: cannot list the tools of '{url}': the connection was refused (--verbose for details)",
            lines[^1]);
        Assert.All(
            lines[..^1], line => Assert.StartsWith($"mcpguard: starting '{url}'", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tools_NeitherCommandNorUrl_UsageError()
    {
        var policy = Path.Combine(_folder, "policy.yaml");
        File.WriteAllText(policy, Policy);

        var (code, _, error) = await GuardCommand.RunAsync("tools", "--policy", policy);

        Assert.Equal(2, code);
        Assert.Equal("mcpguard: give the server either as -- COMMAND [ARGS...] or as --url URL.", error.TrimEnd('\n'));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
