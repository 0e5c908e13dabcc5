using System.Diagnostics;
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

        await ClaudeAsync(claudeHome, "mcp", "add", "--transport", "http", "guarded", url,
            "--header", $"Authorization: Bearer {token}");
        await ClaudeAsync(claudeHome, "mcp", "add", "--transport", "http", "wrongtoken", url,
            "--header", "Authorization: Bearer mcpg_wrong");
        var list = (await ClaudeAsync(claudeHome, "mcp", "list")).Split('\n');

        var guarded = Assert.Single(list, line => line.StartsWith("guarded: ", StringComparison.Ordinal));
        var wrong = Assert.Single(list, line => line.StartsWith("wrongtoken: ", StringComparison.Ordinal));
        Assert.Contains("Connected", guarded, StringComparison.Ordinal);
        Assert.DoesNotContain("Connected", wrong, StringComparison.Ordinal);
        Assert.Contains("401", wrong, StringComparison.Ordinal);
    }

    /// <summary>Claude Code with an isolated HOME and nothing of the caller's Claude or Anthropic settings.</summary>
    private static async Task<string> ClaudeAsync(string home, params string[] arguments)
    {
        var start = new ProcessStartInfo(NpmTools.Claude)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(IsClaudeSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOME"] = home;
        start.Environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestConstants.DefaultTimeout);
        var verb = string.Join(' ', arguments.Take(2));
        Assert.True(process.ExitCode == 0, $"claude {verb} exited {process.ExitCode}: {await error}");
        return await output;
    }

    private static bool IsClaudeSetting(string name) =>
        name.StartsWith("CLAUDE", StringComparison.Ordinal) || name.StartsWith("ANTHROPIC", StringComparison.Ordinal);
}
