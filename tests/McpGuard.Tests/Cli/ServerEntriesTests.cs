using System.Text.Json.Nodes;
using McpGuard.ClientConfig;

namespace McpGuard.Tests.Cli;

public sealed class ServerEntriesTests
{
    private const string Policy = "/etc/mcpguard/policy.yaml";
    private static readonly GuardInvocation s_apphost = new("/opt/mcpguard/bin/mcpguard", []);
    private static readonly GuardInvocation s_dotnet = new(
        "/usr/share/dotnet/dotnet", ["/src/McpGuard/bin/Release/net10.0/mcpguard.dll"]);

    /// <summary>The sample configs under Cli/WrapGolden, each with its wrapped form beside it.</summary>
    public static TheoryData<string> GoldenConfigs { get; } =
        ["claude-desktop", "cursor-4space-crlf", "vscode", "cursor-remote", "claude-code"];

    [Theory]
    [MemberData(nameof(GoldenConfigs))]
    public void Wrap_SampleConfig_MatchesGoldenByteForByte(string name)
    {
        var document = Parse(Golden(name + ".json"));

        var changes = ServerEntries.Wrap(document.Servers, [], s_apphost, Policy);

        Assert.Equal(Golden(name + ".wrapped.json"), document.Write());
        Assert.All(
            changes.Where(c => c.Name is not ("legacy" or "keyed" or "plain")),
            c => Assert.Equal(ServerChangeKind.Wrapped, c.Kind));
    }

    [Theory]
    [MemberData(nameof(GoldenConfigs))]
    public void Unwrap_WrappedGolden_RestoresOriginalByteForByte(string name)
    {
        var document = Parse(Golden(name + ".wrapped.json"));

        ServerEntries.Unwrap(document.Servers, [], s_apphost);

        Assert.Equal(Golden(name + ".json"), document.Write());
    }

    [Fact]
    public void Wrap_Twice_SecondTimeChangesNothing()
    {
        var document = Parse(Golden("claude-desktop.json"));
        ServerEntries.Wrap(document.Servers, [], s_apphost, Policy);
        var once = document.Write();

        var changes = ServerEntries.Wrap(document.Servers, [], s_apphost, "/other/policy.yaml");

        Assert.Equal(once, document.Write());
        var bybit = Assert.Single(changes, c => c.Name == "bybit");
        Assert.Equal(ServerChangeKind.AlreadyWrapped, bybit.Kind);
        Assert.Contains(Policy, bybit.Detail);
        Assert.Equal(ServerChangeKind.AlreadyWrapped, Assert.Single(changes, c => c.Name == "remote").Kind);
    }

    [Fact]
    public void Wrap_DotnetForm_PutsDllFirstAndIsRecognisedByAnyInvocation()
    {
        var document = Parse(Golden("claude-desktop.json"));

        ServerEntries.Wrap(document.Servers, ["bybit"], s_dotnet, Policy);

        var bybit = document.Servers["bybit"]!;
        Assert.Equal("/usr/share/dotnet/dotnet", (string?)bybit["command"]);
        Assert.Equal(
            [
                "/src/McpGuard/bin/Release/net10.0/mcpguard.dll", "run", "--name", "bybit", "--policy", Policy, "--",
                "uvx", "bybit-mcp", "--testnet"],
            bybit["args"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(
            ServerChangeKind.AlreadyWrapped,
            ServerEntries.Wrap(document.Servers, ["bybit"], s_apphost, Policy)[0].Kind);
        Assert.Equal(
            ServerChangeKind.AlreadyWrapped, ServerEntries.Wrap(document.Servers, ["bybit"], s_dotnet, Policy)[0].Kind);
        ServerEntries.Unwrap(document.Servers, [], s_apphost);
        Assert.Equal(Golden("claude-desktop.json"), document.Write());
    }

    [Fact]
    public void Wrap_ServerSelection_OnlyThoseChange()
    {
        var document = Parse(Golden("claude-desktop.json"));

        var changes = ServerEntries.Wrap(document.Servers, ["filesystem"], s_apphost, Policy);

        Assert.Equal("filesystem", Assert.Single(changes).Name);
        Assert.Equal("uvx", (string?)document.Servers["bybit"]!["command"]);
        Assert.Equal(s_apphost.Command, (string?)document.Servers["filesystem"]!["command"]);
    }

    [Fact]
    public void Wrap_EntryWithoutArgs_ArgsInsertedAfterCommandAndRemovedByUnwrap()
    {
        var document = Parse("""{"mcpServers":{"a":{"command":"srv","env":{"X":"1"}}}}""");

        ServerEntries.Wrap(document.Servers, [], s_apphost, Policy);
        Assert.Equal(["command", "args", "env"], document.Servers["a"]!.AsObject().Select(p => p.Key));

        ServerEntries.Unwrap(document.Servers, [], s_apphost);
        Assert.Equal("""{"mcpServers":{"a":{"command":"srv","env":{"X":"1"}}}}""", document.Root.ToJsonString());
    }

    [Fact]
    public void Unwrap_NotWrappedOrBroken_LeftAlone()
    {
        var document = Parse(
            """{"mcpServers":{"plain":{"command":"srv","args":["run","--"]}"""
                + ""","odd":{"command":"mcpguard","args":["run","--policy","p","--"]}"""
                + ""","bad":{"command":"x","args":"y"}}}""");
        var before = document.Root.ToJsonString();

        var changes = ServerEntries.Unwrap(document.Servers, [], s_apphost);

        Assert.Equal(before, document.Root.ToJsonString());
        Assert.Equal(
            [ServerChangeKind.NotWrapped, ServerChangeKind.Skipped, ServerChangeKind.Skipped],
            changes.Select(c => c.Kind));
    }

    [Fact]
    public void Unwrap_BareMcpguardCommandFromDocs_Recognised()
    {
        var document = Parse(
            """{"mcpServers":{"a":{"command":"mcpguard","args":"""
                + """["run","--policy","/p.yaml","--audit","/a.jsonl","--","node","server.js","--","x"]}}}""");

        ServerEntries.Unwrap(document.Servers, [], s_apphost);

        Assert.Equal(
            """{"mcpServers":{"a":{"command":"node","args":["server.js","--","x"]}}}""", document.Root.ToJsonString());
    }

    [Theory]
    [InlineData("macos", null, null, "/Users/me/Library/Application Support/Claude/claude_desktop_config.json")]
    [InlineData("linux", null, null, "/Users/me/.config/Claude/claude_desktop_config.json")]
    [InlineData("linux", null, "/xdg", "/xdg/Claude/claude_desktop_config.json")]
    [InlineData("linux", null, "xdg", "/Users/me/.config/Claude/claude_desktop_config.json")] // relative: ignored
    [InlineData("windows", "appdata", null, "/Users/me/AppData/Roaming/Claude/claude_desktop_config.json")]
    [InlineData("windows", "/appdata", null, "/appdata/Claude/claude_desktop_config.json")]
    public void ClaudeDesktop_DefaultPathPerPlatform(string platform, string? appData, string? xdg, string expected)
    {
        var path = ClientConfigPaths.ClaudeDesktop(
            platform, name => name == "APPDATA" ? appData : name == "XDG_CONFIG_HOME" ? xdg : null, "/Users/me");

        Assert.Equal(expected, path.Replace('\\', '/'));
    }

    [Theory]
    [InlineData("{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\",}\n  }\n}", "line 3")]
    [InlineData("{\"mcpServers\": {\"a\": {}, \"a\": {}}}", "Duplicate")]
    [InlineData("// comment\n{\"mcpServers\": {}}", "line 1")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"servers\": []}", "no \"mcpServers\" object (Claude Desktop, Cursor, Claude Code) or \"servers\"")]
    public void TryParse_BrokenConfig_RefusedWithWhere(string text, string expected)
    {
        Assert.False(ClientConfigDocument.TryParse(text, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("legacy", "vscode", "an SSE server")]
    [InlineData("keyed", "cursor-remote", "its url holds a variable")]
    [InlineData("plain", "claude-code", "https, or http to a loopback address")]
    public void Wrap_RemoteEntriesItCannotGuard_SkippedWithTheReasonAndUntouched(
        string server, string golden, string reason)
    {
        var document = Parse(Golden(golden + ".json"));
        var before = document.Servers[server]!.ToJsonString();

        var change = Assert.Single(ServerEntries.Wrap(document.Servers, [server], s_apphost, Policy));

        Assert.Equal(ServerChangeKind.Skipped, change.Kind);
        Assert.Contains(reason, change.Detail);
        Assert.Equal(before, document.Servers[server]!.ToJsonString());
    }

    [Fact]
    public void Wrap_RemoteUrlWithAColonButNoPort_SkippedNotSentToTheDefaultPort()
    {
        var document = Parse("""{"mcpServers": {"a": {"type": "http", "url": "http://127.0.0.1:/mcp"}}}""");
        var before = document.Servers["a"]!.ToJsonString();

        var change = Assert.Single(ServerEntries.Wrap(document.Servers, [], s_apphost, Policy));

        Assert.Equal(ServerChangeKind.Skipped, change.Kind);
        Assert.Contains("no port", change.Detail);
        Assert.Equal(before, document.Servers["a"]!.ToJsonString());
    }

    /// <summary>An entry without a program would start a guard that cannot start it: skipped, saying why.</summary>
    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Wrap_EmptyCommand_SkippedAndUntouched(string command)
    {
        var document = Parse("""{"mcpServers": {"a": {"command": """ + $"\"{command}\"" + """, "args": ["x"]}}}""");
        var before = document.Servers["a"]!.ToJsonString();

        var change = Assert.Single(ServerEntries.Wrap(document.Servers, [], s_apphost, Policy));

        Assert.Equal(new ServerChange("a", ServerChangeKind.Skipped, "\"command\" is empty"), change);
        Assert.Equal(before, document.Servers["a"]!.ToJsonString());
    }

    [Fact]
    public void Wrap_RemoteHeaders_ValuesGoToEnvNeverToArgs()
    {
        var document = Parse(Golden("cursor-remote.json"));

        ServerEntries.Wrap(document.Servers, ["linear"], s_apphost, Policy);

        var args = document.Servers["linear"]!["args"]!.ToJsonString();
        Assert.DoesNotContain("literal-key-789", args);
        Assert.DoesNotContain("${", args);
        Assert.Equal(
            "literal-key-789", document.Servers["linear"]!["env"]!["MCPGUARD_HEADER_X_API_KEY"]!.GetValue<string>());
    }

    // qa31: a key in the url's query went into the guard's arguments, which every local user can read (ps).
    [Theory]
    [InlineData("{\n  \"mcpServers\": {\n    \"q\": {\n      \"type\": \"http\",\n"
        + "      \"url\": \"https://mcp.example.com/mcp?api_key=sk-live-123\"\n    }\n  }\n}\n")]
    [InlineData("{\n  \"mcpServers\": {\n    \"q\": {\n"
        + "      \"url\": \"https://mcp.example.com/mcp?api_key=sk-live-123\",\n"
        + "      \"headers\": {\n        \"X-Tenant\": \"acme\"\n      },\n      \"note\": \"kept\"\n    }\n  }\n}\n")]
    public void Wrap_RemoteUrlWithAQuery_UrlGoesToEnvNeverToArgsOrTheReportAndBack(string original)
    {
        var document = Parse(original);

        var change = Assert.Single(ServerEntries.Wrap(document.Servers, [], s_apphost, Policy));

        Assert.Equal(ServerChangeKind.Wrapped, change.Kind);
        var entry = document.Servers["q"]!;
        var args = entry["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.DoesNotContain(args, a => a.Contains("sk-live", StringComparison.Ordinal));
        Assert.Equal("MCPGUARD_URL", args[args.IndexOf("--url-env") + 1]);
        Assert.DoesNotContain("--url", args);
        Assert.Equal("https://mcp.example.com/mcp?api_key=sk-live-123", (string)entry["env"]!["MCPGUARD_URL"]!);
        Assert.DoesNotContain("sk-live", change.Detail, StringComparison.Ordinal);
        Assert.Contains("https://mcp.example.com/mcp?…", change.Detail, StringComparison.Ordinal);
        var state = Assert.IsType<ServerEntryState.Wrapped>(ServerEntries.Inspect(entry, s_apphost));
        Assert.Equal("https://mcp.example.com/mcp?…", state.ServerCommand);

        var unwrapped = Assert.Single(ServerEntries.Unwrap(document.Servers, [], s_apphost));

        Assert.Equal(ServerChangeKind.Unwrapped, unwrapped.Kind);
        Assert.DoesNotContain("sk-live", unwrapped.Detail, StringComparison.Ordinal);
        Assert.Equal(original, document.Write());
    }

    [Theory]
    [InlineData(
        "{ \"url\": \"https://a.example/mcp\", \"env\": { \"A\": \"1\" } }", "\"env\" or \"args\" beside its url")]
    [InlineData("{ \"url\": \"https://a.example/mcp\", \"type\": \"websocket\" }", "none of http")]
    [InlineData(
        "{ \"url\": \"https://a.example/mcp\", \"headers\": { \"Host\": \"x\" } }", "a header the guard cannot send")]
    [InlineData("{ \"url\": \"https://a.example/mcp\", \"headers\": { \"X\": 1 } }", "a header the guard cannot send")]
    [InlineData(
        "{ \"url\": \"https://a.example/mcp\", \"headers\": { \"X-Tenant\": \"Zürich\" } }",
        "a header the guard cannot send")]
    [InlineData(
        "{ \"url\": \"https://a.example/mcp\", \"headers\": { \"X-Key\": \"${env:K}\\n\" } }",
        "a header the guard cannot send")]
    [InlineData("{ \"url\": 7 }", "not a string")]
    public void Wrap_RemoteEntryOfAnotherShape_Skipped(string entry, string reason)
    {
        var document = Parse($"{{ \"mcpServers\": {{ \"s\": {entry} }} }}");

        var change = Assert.Single(ServerEntries.Wrap(document.Servers, [], s_apphost, Policy));

        Assert.Equal(ServerChangeKind.Skipped, change.Kind);
        Assert.Contains(reason, change.Detail);
    }

    [Fact]
    public void Unwrap_RemoteEntryWhoseEnvWasEdited_LeftAloneWithTheReason()
    {
        var document = Parse(Golden("cursor-remote.wrapped.json"));
        document.Servers["linear"]!["env"]!["ADDED_LATER"] = "x";
        var before = document.Write();

        var change = Assert.Single(ServerEntries.Unwrap(document.Servers, ["linear"], s_apphost));

        Assert.Equal(ServerChangeKind.Skipped, change.Kind);
        Assert.Contains("ADDED_LATER", change.Detail);
        Assert.Equal(before, document.Write());
    }

    [Fact]
    public void Inspect_WrappedRemoteEntry_IsWrappedWithItsUrlAndPolicy()
    {
        var document = Parse(Golden("claude-code.wrapped.json"));

        var state = Assert.IsType<ServerEntryState.Wrapped>(ServerEntries.Inspect(document.Servers["api"], s_apphost));

        Assert.True(state.Remote);
        Assert.Equal("https://api.example.com/mcp", state.ServerCommand);
        Assert.Equal(Policy, state.Policy);
        Assert.IsType<ServerEntryState.Unwrapped>(
            ServerEntries.Inspect(Parse(Golden("claude-code.json")).Servers["api"], s_apphost));
    }

    // The entry's key is the config's text: it went into `run --name` raw, bidi overrides and control characters
    // included, and from there to the desk, the audit log and doctor's lines.
    [Fact]
    public void Wrap_EntryKeyWithBidiAndControlCharacters_WritesThemEscapedInTheName()
    {
        var document = Parse("""{"mcpServers":{"evil\u202Ename\u001b[2J":{"command":"uvx","args":["srv"]}}}""");

        ServerEntries.Wrap(document.Servers, [], s_apphost, Policy);

        var args = document.Servers["evil\u202Ename\u001b[2J"]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal("evil\\u202Ename\\u001B[2J", args[args.IndexOf("--name") + 1]);
    }

    internal static string Golden(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cli", "WrapGolden", name));

    private static ClientConfigDocument Parse(string text)
    {
        Assert.True(ClientConfigDocument.TryParse(text, out var document, out var error), error);
        return document!;
    }
}

/// <summary>These tests edit configs with one servers object: the document's first.</summary>
file static class FileServers
{
    extension(ClientConfigDocument document)
    {
        public System.Text.Json.Nodes.JsonObject Servers => document.Groups[0].Servers;
    }
}
