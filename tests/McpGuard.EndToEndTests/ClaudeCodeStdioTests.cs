using System.Text.Json.Nodes;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// Claude Code over stdio, as a user sets it up (README.md): <c>claude mcp add NAME -- mcpguard run --policy FILE --
/// SERVER</c>, <c>claude mcp list</c> Connected, then real tool calls in <c>claude -p</c>, with the model played by a
/// fake Messages API on a loopback port (<see cref="FakeMessagesApi"/>) that asks for one call. An allowed call
/// reaches the server and its answer comes back to Claude Code; a denied one comes back as the guard's denial, an
/// error result the model reads. Claude Code runs with a HOME of its own, no login and no network.
/// </summary>
public sealed class ClaudeCodeStdioTests
{
    private const string Policy = """
        version: 1
        default: deny
        state: { store: memory }
        tools:
          echo: allow
          get-sum:
            action: deny
            reason: sums are not for agents
        """;

    /// <summary>
    /// Claude Code waits for a stdio server at most 5 s by default (MCP_CONNECT_TIMEOUT_MS) and, in <c>-p</c>, lets the
    /// model's first turn go ahead without it (MCP_CONNECTION_NONBLOCKING): a guard and server-everything slower than
    /// that to start on a loaded machine made its call "No such tool available" (seen by hand with a server that
    /// sleeps 35 s first; these settings made the same call wait and succeed).
    /// </summary>
    private static readonly Dictionary<string, string> s_patient = new()
    {
        ["MCP_CONNECTION_NONBLOCKING"] = "false",
        ["MCP_CONNECT_TIMEOUT_MS"] = "45000",
        ["MCP_TIMEOUT"] = "45000",
    };

    [Fact]
    public async Task ClaudeCode_AllowedCallReachesTheServer_DeniedCallGetsTheGuardsReason()
    {
        var home = Directory.CreateTempSubdirectory("mcpguard-claude-home-").FullName;
        var policy = TempFiles.Write("policy.yaml", Policy);
        var audit = Path.Combine(DeskProcess.NewHome(), "audit.jsonl");
        var guard = RepoPaths.Guard;

        // Claude Code ends a stdio server with SIGINT, SIGTERM 100 ms later and SIGKILL 400 ms after that (strace of
        // 'claude mcp list'): a guard still giving server-everything its 5 s to exit was killed first, and the
        // server, orphaned, lived on (seen after both runs of this test). No grace: stdin closed, SIGTERM, kill.
        await ClaudeCli.RunAsync(home, null, [
            "mcp", "add", "guarded", "-e", $"MCPGUARD_HOME={DeskProcess.NewHome()}", "--",
            guard.Command, .. guard.Prefix, "run", "--policy", policy, "--audit", audit, "--shutdown-timeout", "0",
            "--",
            .. GuardedServer.Everything()]);

        var list = (await ClaudeCli.RunAsync(home, s_patient, "mcp", "list")).Split('\n');
        var guarded = Assert.Single(list, line => line.StartsWith("guarded: ", StringComparison.Ordinal));
        Assert.Contains("Connected", guarded, StringComparison.Ordinal);

        await using var api = new FakeMessagesApi();
        var allowed = await CallAsync(home, api, "mcp__guarded__echo", """{"message":"hello through the guard"}""");
        var denied = await CallAsync(home, api, "mcp__guarded__get-sum", """{"a":1,"b":2}""");

        Assert.Equal("Echo: hello through the guard", FakeMessagesApi.Text(allowed));
        Assert.NotEqual(true, (bool?)allowed["is_error"]);
        Assert.StartsWith("Denied by policy: sums are not for agents", FakeMessagesApi.Text(denied));
        Assert.True((bool?)denied["is_error"]);

        // The audit log says the same: one call forwarded (and answered), one denied before the server saw it.
        var records = File.ReadAllLines(audit).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.Contains(records, r => (string?)r["tool"] == "echo" && (string?)r["decision"] == "allow");
        Assert.Contains(records, r => (string?)r["tool"] == "echo" && (string?)r["type"] == "outcome");
        Assert.Contains(records, r => (string?)r["tool"] == "get-sum" && (string?)r["decision"] == "deny");
        Assert.DoesNotContain(records, r => (string?)r["tool"] == "get-sum" && (string?)r["type"] == "outcome");
    }

    /// <summary>
    /// <c>claude -p "CALL TOOL ARGS"</c> with that one MCP tool allowed in Claude Code, so the guard alone decides;
    /// returns the tool result Claude Code sent back to the model.
    /// </summary>
    private static async Task<JsonNode> CallAsync(string home, FakeMessagesApi api, string tool, string arguments)
    {
        var before = api.ToolResults.Count;
        await ClaudeCli.RunAsync(
            home,
            new Dictionary<string, string>(s_patient)
            {
                ["ANTHROPIC_BASE_URL"] = api.BaseUrl,
                ["ANTHROPIC_API_KEY"] = "sk-ant-mcpguard-test",
            },
            "-p", $"CALL {tool} {arguments}", "--allowedTools", tool, "--output-format", "json");
        return Assert.Single(api.ToolResults.Skip(before));
    }
}
