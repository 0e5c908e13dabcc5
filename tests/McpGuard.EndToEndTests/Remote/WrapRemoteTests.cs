using System.Text.Json.Nodes;
using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests.Remote;

/// <summary>
/// The built tool's <c>wrap</c> and <c>unwrap</c> on each client's remote entry, in a fresh HOME
/// (docs/wrap.md#remote-servers): the entry becomes <c>mcpguard run --url</c> with the header values in its <c>env</c>,
/// never in its arguments, and unwrap gives back the file byte for byte. One wrapped entry is then started exactly as
/// its client would start it (its command, args and env) in front of a recording upstream: its header arrives, the
/// hidden tool is gone.
/// </summary>
public sealed class WrapRemoteTests
{
    public static TheoryData<string, string, string> Shapes => new()
    {
        {
            "claude-desktop", "claude_desktop_config.json",
            "{\n  \"mcpServers\": {\n    \"remote\": {\n      \"type\": \"http\",\n"
                + "      \"url\": \"https://mcp.example.com/mcp\"\n    }\n  },\n  \"globalShortcut\": \"\"\n}\n"
        },
        {
            "cursor", "mcp.json",
            "{\n    \"mcpServers\": {\n        \"linear\": {\n"
                + "            \"url\": \"https://mcp.linear.app/mcp\",\n            \"headers\": {\n"
                + "                \"Authorization\": \"Bearer ${env:LINEAR_TOKEN}\"\n"
                + "            }\n        }\n    }\n}"
        },
        {
            "vscode", "mcp.json",
            "{\r\n\t\"inputs\": [\r\n\t\t{\r\n\t\t\t\"type\": \"promptString\",\r\n\t\t\t\"id\": \"tok\",\r\n"
                + "\t\t\t\"password\": true\r\n\t\t}\r\n\t],\r\n\t\"servers\": {\r\n\t\t\"github\": {\r\n"
                + "\t\t\t\"type\": \"http\",\r\n\t\t\t\"url\": \"https://api.githubcopilot.com/mcp/\",\r\n"
                + "\t\t\t\"headers\": {\r\n\t\t\t\t\"Authorization\": \"Bearer ${input:tok}\"\r\n"
                + "\t\t\t}\r\n\t\t}\r\n\t}\r\n}\r\n"
        },
        {
            "claude-code", ".mcp.json",
            "{\n  \"mcpServers\": {\n    \"api\": {\n      \"type\": \"streamable-http\",\n"
                + "      \"url\": \"https://api.example.com/mcp\",\n      \"headers\": {\n"
                + "        \"X-Api-Key\": \"${API_KEY}\",\n        \"Authorization\": \"Bearer literal-e2e-secret\"\n"
                + "      }\n    },\n    \"old\": {\n      \"type\": \"sse\",\n"
                + "      \"url\": \"https://old.example.com/sse\"\n    }\n  }\n}\n"
        },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task WrapThenUnwrap_RemoteEntry_RunUrlWithSecretsOutOfArgsAndBackByteForByte(
        string client, string file, string original)
    {
        var home = Directory.CreateTempSubdirectory($"mcpguard-wrap-{client}-").FullName;
        var config = Path.Combine(home, file);
        File.WriteAllText(config, original);
        var policy = Path.Combine(home, "policy.yaml");
        File.WriteAllText(policy, "version: 1\ndefault: deny\n");

        var (wrapped, output, error) = await GuardCommand.RunInHomeAsync(
            home, "wrap", "--policy", policy, "--config", config);

        Assert.True(wrapped == 0, output + error);
        var entry = Assert.Single(Servers(config), s => s.Value!["args"] is not null).Value!.AsObject();
        var args = entry["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains("--url", args);
        Assert.DoesNotContain(
            args, a => a.Contains("${", StringComparison.Ordinal) || a.Contains("secret", StringComparison.Ordinal));
        Assert.DoesNotContain("--", args);
        Assert.True(Path.IsPathRooted(entry["command"]!.GetValue<string>()));
        Assert.DoesNotContain("not found on this PATH", error);
        if (client == "claude-code")
        {
            Assert.Contains("skipped    old: an SSE server", output);
        }

        var (unwrapped, _, unwrapError) = await GuardCommand.RunInHomeAsync(home, "unwrap", "--config", config);

        Assert.True(unwrapped == 0, unwrapError);
        Assert.Equal(original, File.ReadAllText(config));
    }

    // With a query (where services put keys) the url goes to env as well, read with --url-env.
    [Theory]
    [InlineData("", "--url")]
    [InlineData("?api_key=e2e-key-77", "--url-env")]
    public async Task WrappedEntry_StartedAsTheClientStartsIt_SendsItsHeaderAndJudgesCalls(string query, string option)
    {
        await using var upstream = new ScriptedUpstream(Answer);
        var home = Directory.CreateTempSubdirectory("mcpguard-wrap-run-").FullName;
        var config = Path.Combine(home, "mcp.json");
        File.WriteAllText(config, $$"""
            { "mcpServers": { "recorder": {
              "url": "{{upstream.Url}}{{query}}", "headers": { "Authorization": "Bearer e2e-secret-42" } } } }
            """);
        var policy = Path.Combine(home, "policy.yaml");
        File.WriteAllText(policy, "version: 1\ndefault: allow\nhide: [secret_tool]\n");
        var (wrapped, _, error) = await GuardCommand.RunInHomeAsync(
            home, "wrap", "--policy", policy, "--config", config);
        Assert.True(wrapped == 0, error);
        var entry = Servers(config).Single().Value!.AsObject();
        var environment = entry["env"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        environment["MCPGUARD_HOME"] = Path.Combine(home, ".mcpguard");

        await using var guard = RawGuard.StartCommand(
            entry["command"]!.GetValue<string>(), entry["args"]!.AsArray().Select(a => a!.GetValue<string>()),
            environment, policy);
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                + """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        await guard.ResponseAsync("1");
        var commandLine = File.ReadAllText($"/proc/{guard.Pid}/cmdline");
        await guard.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await guard.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        var tools = (await guard.ResponseAsync("2")).GetProperty("result").GetProperty("tools").EnumerateArray()
            .Select(t => t.GetProperty("name").GetString()).ToList();
        await guard.SendAsync(
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":"""
                + """{"name":"secret_tool","arguments":{}}}""");
        var hidden = (await guard.ResponseAsync("3")).GetProperty("error").GetProperty("message").GetString();

        Assert.Equal(["echo"], tools);
        Assert.Equal("Unknown tool: secret_tool", hidden);
        Assert.All(
            upstream.Requests.Where(r => r.Method == "POST"),
            r => Assert.Equal("Bearer e2e-secret-42", r.Headers["authorization"]));
        Assert.DoesNotContain(upstream.Requests, r => r.ToolName == "secret_tool");
        Assert.Contains("--header-env", commandLine, StringComparison.Ordinal);
        Assert.Contains(option + "\0", commandLine, StringComparison.Ordinal);
        Assert.DoesNotContain("e2e-secret-42", commandLine, StringComparison.Ordinal);
        Assert.DoesNotContain("e2e-key-77", commandLine, StringComparison.Ordinal);
    }

    private static string Answer(UpstreamRequest request)
    {
        if (request.Method != "POST" || !request.Body.Contains("\"id\"", StringComparison.Ordinal))
        {
            return ScriptedUpstream.Response(
                request.Method == "POST" ? "202 Accepted" : "405 Method Not Allowed", null, "");
        }

        var result = request.RpcMethod switch
        {
            "initialize" => """{"protocolVersion":"2025-11-25","capabilities":{"tools":{}}"""
                + ""","serverInfo":{"name":"recorder","version":"1"}}""",
            "tools/list" => """{"tools":[{"name":"echo","inputSchema":{"type":"object"}}"""
                + """,{"name":"secret_tool","inputSchema":{"type":"object"}}]}""",
            _ => """{"content":[{"type":"text","text":"ran"}]}""",
        };
        return ScriptedUpstream.Response("200 OK", "application/json", ScriptedUpstream.Result(request, result));
    }

    private static JsonObject Servers(string config)
    {
        var root = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        return (root["mcpServers"] ?? root["servers"])!.AsObject();
    }
}
