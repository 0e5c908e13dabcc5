using System.Text.RegularExpressions;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Serve;

/// <summary>
/// <c>agents add --policy FILE</c> where FILE's serve block asks for no tokens: serve admits every request
/// (<c>auth: none</c>, loopback only) or checks OAuth tokens, so the token printed guards nothing, and whoever gives it
/// out believes it does. It is still added (the home's agents.yaml), and stderr says what to add to the policy. In a
/// home of the test's own: the file written is the home's.
/// </summary>
public sealed class AgentsWithoutTokensTests
{
    [Theory]
    [InlineData("version: 1\ndefault: deny\n", "none")]
    [InlineData("version: 1\ndefault: deny\nserve:\n  auth:\n    oauth: { issuer: https://auth.example, "
        + "audience: https://guard.example/mcp }\n", "oauth")]
    public async Task Add_ServeAsksForNoTokens_StderrSaysWhatToAdd(string text, string auth)
    {
        var home = DeskProcess.NewHome();
        var policy = Path.Combine(home, "policy.yaml");
        await File.WriteAllTextAsync(policy, text, TestContext.Current.CancellationToken);

        var (code, output, error) = await GuardCommand.RunInHomeAsync(
            home, "agents", "add", "alice", "--policy", policy);

        Assert.Equal(0, code);
        Assert.StartsWith("mcpg_", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(home, ".mcpguard", "agents.yaml")));
        Assert.Contains(
            $"serve with {policy} does not ask for this token (its serve.auth is {auth}): add 'auth: {{ tokens: ",
            error,
            StringComparison.Ordinal);

        // The hint, followed as written, names the file the token is in (not an agents.yaml beside the policy).
        var hinted = Regex.Match(error, "'(auth: \\{ tokens: .+? \\})' to its serve block").Groups[1].Value;
        var followed = Path.Combine(home, "followed.yaml");
        await File.WriteAllTextAsync(
            followed, $"version: 1\ndefault: deny\nserve:\n  {hinted}\n", TestContext.Current.CancellationToken);
        var (listed, agents, _) = await GuardCommand.RunInHomeAsync(home, "agents", "list", "--policy", followed);
        Assert.Equal(0, listed);
        Assert.StartsWith("alice\t", agents, StringComparison.Ordinal);
    }
}
