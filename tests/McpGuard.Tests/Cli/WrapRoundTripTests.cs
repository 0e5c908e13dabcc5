using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

/// <summary>
/// wrap changes only the entries it wraps and unwrap gives the file back byte for byte, whatever shape the client or
/// the user gave the config: Claude Code's, VS Code's, hand-written, on one line, with a byte order mark.
/// </summary>
public sealed class WrapRoundTripTests : IDisposable
{
    private readonly WrapFolder _folder = new();

    [Fact]
    public async Task Wrap_ThenUnwrap_RestoresFileExactly()
    {
        await _folder.WrapAsync();

        var (exitCode, output, _) = await _folder.UnwrapAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("unwrapped  bybit: uvx runs directly again", output);
        Assert.Contains("unwrapped  remote: https://example.com/mcp is reached directly again", output);
        Assert.Equal(ServerEntriesTests.Golden("claude-desktop.json"), File.ReadAllText(_folder.Config));
        Assert.Equal(2, Directory.GetFiles(_folder.Path, "*.bak-*").Length);
    }

    // `claude mcp add NAME -- /path/server` writes "type": "stdio" and "args": [] (and Claude Code writes every
    // stdio entry that way); unwrap dropped the empty args, so wrap + unwrap did not give Claude Code's file back.
    [Fact]
    public async Task Wrap_ThenUnwrap_ClaudeCodeEntryWithEmptyArgs_RestoresFileExactly()
    {
        const string claudeCode = """
            {
              "projects": {
                "/home/me/trading": {
                  "allowedTools": [],
                  "mcpServers": {
                    "bybit": {
                      "type": "stdio",
                      "command": "/home/me/bybit/run-server.sh",
                      "args": [],
                      "env": {}
                    }
                  }
                }
              },
              "mcpServers": {
                "notes": {
                  "type": "stdio",
                  "command": "/usr/local/bin/notes-mcp",
                  "args": [],
                  "env": {
                    "NOTES_DIR": "/home/me/notes"
                  }
                }
              }
            }
            """;
        File.WriteAllText(_folder.Config, claudeCode);

        var (wrapCode, _, _) = await _folder.WrapAsync();
        var (unwrapCode, _, _) = await _folder.UnwrapAsync();

        Assert.Equal(0, wrapCode);
        Assert.Equal(0, unwrapCode);
        Assert.Equal(claudeCode, File.ReadAllText(_folder.Config));
    }

    [Fact]
    public async Task Wrap_VsCodeServersShape_WrapsStdioAndRemoteSkipsSseAndUnwrapRestoresExactly()
    {
        var vscode = _folder.File("mcp.json");
        File.WriteAllText(vscode, ServerEntriesTests.Golden("vscode.json"));

        var (wrapExit, wrapOutput, _) = await _folder.WrapConfigAsync(vscode);
        var wrapped = File.ReadAllText(vscode);
        var (unwrapExit, _, _) = await _folder.UnwrapConfigAsync(vscode);

        Assert.Equal(0, wrapExit);
        Assert.Contains("wrapped    bybit", wrapOutput);
        Assert.Contains("wrapped    github: https://api.githubcopilot.com/mcp/ now runs behind mcpguard", wrapOutput);
        Assert.Contains("skipped    legacy: an SSE server", wrapOutput);
        Assert.DoesNotContain("is not found on this PATH", wrapOutput);
        Assert.Equal(
            ServerEntriesTests.Golden("vscode.wrapped.json")
                .Replace("/etc/mcpguard/policy.yaml", _folder.Policy, StringComparison.Ordinal),
            wrapped);
        Assert.Equal(0, unwrapExit);
        Assert.Equal(ServerEntriesTests.Golden("vscode.json"), File.ReadAllText(vscode));
    }

    /// <summary>
    /// Claude Code's own ~/.claude.json: `claude mcp add` puts a server in the project's local scope,
    /// projects.DIR.mcpServers, and the file need not have a top-level mcpServers at all. Those entries are wrapped
    /// like any other, every other key stays, and unwrap gives the file back exactly.
    /// </summary>
    [Fact]
    public async Task WrapThenUnwrap_ClaudeCodeUserFileWithProjectServersOnly_WrapsThemAndRestoresExactly()
    {
        const string ClaudeJson = """
            {
              "numStartups": 5,
              "projects": {
                "/home/me/trading": {
                  "allowedTools": [],
                  "mcpServers": {
                    "bybit": {
                      "type": "stdio",
                      "command": "uvx",
                      "args": [
                        "bybit-mcp"
                      ],
                      "env": {
                        "BYBIT_API_KEY": "key-123"
                      }
                    }
                  }
                },
                "/home/me/other": {
                  "allowedTools": []
                }
              }
            }

            """;
        File.WriteAllText(_folder.Config, ClaudeJson);

        var (exitCode, output, error) = await _folder.WrapAsync();
        var wrapped = File.ReadAllText(_folder.Config);
        var (unwrapCode, _, _) = await _folder.UnwrapAsync();

        Assert.True(exitCode == 0, error);
        Assert.Contains("wrapped    bybit (project /home/me/trading): uvx now runs behind mcpguard", output);
        Assert.Contains(
            "\"/opt/mcpguard/bin/mcpguard\",\n          \"args\": [\n            \"run\",\n            \"--name\","
                + "\n            \"bybit\"",
            wrapped);
        Assert.Contains("\"numStartups\": 5", wrapped);
        Assert.Equal(0, unwrapCode);
        Assert.Equal(ClaudeJson, File.ReadAllText(_folder.Config));
    }

    // Configs are written by hand from READMEs: args on one line, escapes, odd spacing. Wrapping one entry rewrote
    // every other entry's layout (and --dry-run did not show it); unwrap then could not give the file back.
    [Fact]
    public async Task Wrap_OneEntry_LeavesEveryOtherByteAsItWas_AndUnwrapRestoresTheFile()
    {
        const string handWritten = """
            {
              "globalShortcut": "Ctrl+Space",
              "mcpServers": {
                "bybit": {
                  "command": "uvx",
                  "args": [
                    "bybit-mcp"
                  ]
                },
                "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/me"]},
                "caf\u00e9": {
                  "command": "node",
                  "args": ["server.js"],
                  "env": { "KEY": "k\u00e9y" }
                }
              }
            }

            """;
        File.WriteAllText(_folder.Config, handWritten);

        var (exitCode, _, _) = await _folder.WrapAsync("--server", "bybit");

        Assert.Equal(0, exitCode);
        var wrapped = File.ReadAllText(_folder.Config);
        var entryEnd = wrapped.IndexOf("    },\n", StringComparison.Ordinal);
        Assert.Equal(
            handWritten[handWritten.IndexOf("    },\n", StringComparison.Ordinal)..], wrapped[entryEnd..]);
        Assert.StartsWith(
            "{\n  \"globalShortcut\": \"Ctrl+Space\",\n  \"mcpServers\": {\n    \"bybit\": {\n", wrapped,
            StringComparison.Ordinal);
        Assert.Contains("\"/opt/mcpguard/bin/mcpguard\"", wrapped, StringComparison.Ordinal);

        var (unwrapCode, _, _) = await _folder.UnwrapAsync();

        Assert.Equal(0, unwrapCode);
        Assert.Equal(handWritten, File.ReadAllText(_folder.Config));
    }

    // Claude Desktop configs are pasted from READMEs with the arguments on one line (`"args": ["-y", "pkg"]`, as the
    // project's own samples/bybit/claude_desktop_config.*.json do). wrap rewrote the whole entry one element per line,
    // so unwrap gave back a different file. Only the changed values are written now, a one-line array on one line.
    [Fact]
    public async Task WrapThenUnwrap_ArgsOnOneLineInAnIndentedFile_StayOnOneLineAndUnwrapRestoresTheFile()
    {
        const string fromReadme = """
            {
              "mcpServers": {
                "bybit": {
                  "command": "uvx",
                  "args": ["bybit-mcp"],
                  "env": {
                    "BYBIT_TESTNET": "true"
                  }
                },
                "everything": { "command": "npx", "args": [ "-y", "@modelcontextprotocol/server-everything" ] }
              }
            }

            """;
        File.WriteAllText(_folder.Config, fromReadme);

        var (exitCode, _, _) = await _folder.WrapAsync();

        Assert.Equal(0, exitCode);
        var policy = $"\"{_folder.Policy}\"";
        Assert.Equal(
            fromReadme
                .Replace(
                    "\"command\": \"uvx\",\n      \"args\": [\"bybit-mcp\"]",
                    $"\"command\": \"{WrapFolder.Guard}\",\n      \"args\": [\"run\", \"--name\", \"bybit\", "
                        + $"\"--policy\", {policy}, \"--\", \"uvx\", \"bybit-mcp\"]",
                    StringComparison.Ordinal)
                .Replace(
                    "{ \"command\": \"npx\", \"args\": [ \"-y\",",
                    $"{{ \"command\": \"{WrapFolder.Guard}\", \"args\": [ \"run\", \"--name\", \"everything\", "
                        + $"\"--policy\", {policy}, \"--\", \"npx\", \"-y\",",
                    StringComparison.Ordinal),
            File.ReadAllText(_folder.Config));

        var (unwrapCode, _, _) = await _folder.UnwrapAsync();

        Assert.Equal(0, unwrapCode);
        Assert.Equal(fromReadme, File.ReadAllText(_folder.Config));
    }

    /// <summary>Configs on one line, as scripts and READMEs write them, and how each looks wrapped (M: the guard, P:
    /// the policy).</summary>
    public static TheoryData<string, string> OneLineConfigs { get; } = new()
    {
        // JavaScript's JSON.stringify, with a final newline and a key wrap does not touch
        {
            """{"mcpServers":{"bybit":{"command":"uvx","args":["bybit-mcp"]}},"other":{"x":1}}""" + "\n",
            """{"mcpServers":{"bybit":{"command":"M","args":["run","--name","bybit","--policy","P","--","uvx","bybit"""
                + """-mcp"]}},"other":{"x":1}}""" + "\n"
        },
        // Python's json.dumps, no final newline
        {
            """{"mcpServers": {"bybit": {"command": "uvx", "args": ["bybit-mcp"], "env": {}}}}""",
            """{"mcpServers": {"bybit": {"command": "M", "args": ["run", "--name", "bybit", "--pol"""
                + """icy", "P", "--", "uvx", "bybit-mcp"], "env": {}}}}"""
        },
        // spaces inside the brackets, CRLF
        {
            """{ "mcpServers": { "bybit": { "command": "uvx", "args": [ "bybit-mcp" ] } } }""" + "\r\n",
            """{ "mcpServers": { "bybit": { "command": "M", "args": [ "run", "--name", "bybit", "--pol"""
                + """icy", "P", "--", "uvx", "bybit-mcp" ] } } }""" + "\r\n"
        },
    };

    // A .mcp.json written by a script or pasted from a README is one line. Wrapping it put the new entry's lines, in
    // an indent the file does not have, into the middle of that line (and unwrap gave back that mixture).
    [Theory]
    [MemberData(nameof(OneLineConfigs))]
    public async Task WrapThenUnwrap_ConfigOnOneLine_StaysOnOneLineAndUnwrapRestoresItExactly(
        string oneLine, string expected)
    {
        File.WriteAllText(_folder.Config, oneLine);

        var (exitCode, _, _) = await _folder.WrapAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal(
            expected.Replace("\"M\"", "\"/opt/mcpguard/bin/mcpguard\"", StringComparison.Ordinal)
                .Replace("\"P\"", $"\"{_folder.Policy}\"", StringComparison.Ordinal),
            File.ReadAllText(_folder.Config));

        var (unwrapCode, _, _) = await _folder.UnwrapAsync();

        Assert.Equal(0, unwrapCode);
        Assert.Equal(oneLine, File.ReadAllText(_folder.Config));
    }

    // Windows editors (Notepad, PowerShell's Set-Content) save a config with a byte order mark. wrap read it away and
    // wrote the file back without one, so unwrap could not give the original bytes back.
    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16")]
    public async Task WrapThenUnwrap_ConfigWithByteOrderMark_KeepsItAndRestoresTheFileByteForByte(string name)
    {
        var encoding = System.Text.Encoding.GetEncoding(name);
        byte[] original =
            [.. encoding.Preamble, .. encoding.GetBytes(ServerEntriesTests.Golden("claude-desktop.json"))];
        File.WriteAllBytes(_folder.Config, original);

        var (exitCode, _, _) = await _folder.WrapAsync();

        Assert.Equal(0, exitCode);
        var wrapped = File.ReadAllBytes(_folder.Config);
        Assert.Equal(encoding.Preamble, wrapped.AsSpan(0, encoding.Preamble.Length).ToArray());
        Assert.Equal(
            ServerEntriesTests.Golden("claude-desktop.wrapped.json")
                .Replace("/etc/mcpguard/policy.yaml", _folder.Policy, StringComparison.Ordinal),
            encoding.GetString(wrapped.AsSpan(encoding.Preamble.Length)));

        var (unwrapCode, _, _) = await _folder.UnwrapAsync();

        Assert.Equal(0, unwrapCode);
        Assert.Equal(original, File.ReadAllBytes(_folder.Config));
    }

    public void Dispose() => _folder.Dispose();
}
