using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// Claude Code (npm <c>@anthropic-ai/claude-code</c>) as the hosted-style client: <c>claude mcp add --transport http
/// NAME URL --header "Authorization: Bearer TOKEN"</c> with the token <c>mcpguard agents add</c> printed, then
/// <c>claude mcp list</c>, which connects to every configured server. It needs no login and no network for that;
/// it runs with a HOME of its own.
/// </summary>
public sealed class ServeClaudeCodeTests
{
    private const string Policy = """
        version: 1
        default: allow
        state: { store: memory }
        serve:
          auth: { tokens: agents.yaml }
        """;

    [Fact]
    public async Task ClaudeMcpList_ConnectsWithTheAgentsToken_AndNotWithAWrongOne()
    {
        var home = DeskProcess.NewHome();
        var token = await ServeHttpBoundsTests.AddAgentAsync(home, Policy, "claude");
        await using var guard = await ServedGuard.StartAsync(Policy, GuardedServer.Everything(), home: home);
        var claudeHome = Directory.CreateTempSubdirectory("mcpguard-claude-home-").FullName;
        var url = guard.Url.ToString();

        await ClaudeCli.RunAsync(claudeHome, null, "mcp", "add", "--transport", "http", "guarded", url,
            "--header", $"Authorization: Bearer {token}");
        await ClaudeCli.RunAsync(claudeHome, null, "mcp", "add", "--transport", "http", "wrongtoken", url,
            "--header", "Authorization: Bearer mcpg_wrong");
        var list = (await ClaudeCli.RunAsync(claudeHome, null, "mcp", "list")).Split('\n');

        var guarded = Assert.Single(list, line => line.StartsWith("guarded: ", StringComparison.Ordinal));
        var wrong = Assert.Single(list, line => line.StartsWith("wrongtoken: ", StringComparison.Ordinal));
        Assert.Contains("Connected", guarded, StringComparison.Ordinal);
        Assert.DoesNotContain("Connected", wrong, StringComparison.Ordinal);
        Assert.Contains("401", wrong, StringComparison.Ordinal);
    }
}
