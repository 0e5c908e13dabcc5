using McpGuard.Cli;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Cli;

public sealed class WrapCommandTests : IDisposable
{
    private static readonly FakeTimeProvider s_clock = new(new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero));
    private readonly TempDirectory _temp = new();
    private readonly string _config;
    private readonly string _policy;

    public WrapCommandTests()
    {
        _config = _temp.File("claude_desktop_config.json");
        _policy = _temp.File("policy.yaml");
        File.WriteAllText(_config, ServerEntriesTests.Golden("claude-desktop.json"));
        File.WriteAllText(_policy, "version: 1\ndefault: deny\n");
    }

    [Fact]
    public async Task Wrap_WritesBackupFirstThenConfigAndReports()
    {
        var (exitCode, output, _) = await WrapAsync();

        Assert.Equal(0, exitCode);
        var backup = _config + ".bak-20260314T150926Z";
        Assert.Equal(ServerEntriesTests.Golden("claude-desktop.json"), File.ReadAllText(backup));
        Assert.Contains($"Backup: {backup}", output);
        Assert.Contains("wrapped    bybit: uvx now runs behind mcpguard with policy " + _policy, output);
        Assert.Contains(
            "wrapped    remote: https://example.com/mcp now runs behind mcpguard with policy " + _policy, output);
        Assert.Equal(
            ServerEntriesTests.Golden("claude-desktop.wrapped.json")
                .Replace("/etc/mcpguard/policy.yaml", _policy, StringComparison.Ordinal),
            File.ReadAllText(_config));
        Assert.DoesNotContain("key-123", output);
    }

    [Fact]
    public async Task Wrap_ThenUnwrap_RestoresFileExactly()
    {
        await WrapAsync();

        var (exitCode, output, _) = await CommandRunner.RunAsync(
            UnwrapCommand.Create(s_clock), "--config", _config, "--command", "/opt/mcpguard/bin/mcpguard");

        Assert.Equal(0, exitCode);
        Assert.Contains("unwrapped  bybit: uvx runs directly again", output);
        Assert.Contains("unwrapped  remote: https://example.com/mcp is reached directly again", output);
        Assert.Equal(ServerEntriesTests.Golden("claude-desktop.json"), File.ReadAllText(_config));
        Assert.Equal(2, Directory.GetFiles(_temp.Path, "*.bak-*").Length);
    }

    [Fact]
    public async Task Wrap_Twice_SecondRunWritesNothing()
    {
        await WrapAsync();
        var wrapped = File.ReadAllText(_config);

        var (exitCode, output, _) = await WrapAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("Nothing to change", output);
        Assert.Equal(wrapped, File.ReadAllText(_config));
        Assert.Single(Directory.GetFiles(_temp.Path, "*.bak-*"));
    }

    [Fact]
    public async Task Wrap_BrokenConfig_Exit2AndUntouched()
    {
        const string Broken = "{\n  \"mcpServers\": {\n    \"a\": { \"command\": \"x\" \"args\": [] }\n  }\n}\n";
        File.WriteAllText(_config, Broken);

        var (exitCode, _, error) = await WrapAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains("is not valid JSON at line 3", error);
        Assert.Equal(Broken, File.ReadAllText(_config));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.bak-*"));
    }

    [Theory]
    [InlineData("{\n  // mine\n  \"mcpServers\": { \"a\": { \"command\": \"x\" } }\n}\n")]
    [InlineData("{\n  \"mcpServers\": { \"a\": { \"command\": \"x\" }, }\n}\n")]
    public async Task Wrap_ConfigWithCommentsOrTrailingCommas_SaysSoAndWhatToDo(string config)
    {
        // VS Code and Cursor accept these in mcp.json; the parser's own words ("'/' is invalid after a value") did
        // not say what to change.
        File.WriteAllText(_config, config);

        var (exitCode, _, error) = await WrapAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains(
            "; its client allows them, but wrap and unwrap edit strict JSON only: remove them, or edit the entry "
                + "by hand (docs/wrap.md)",
            error, StringComparison.Ordinal);
        Assert.Equal(config, File.ReadAllText(_config));
    }

    [Fact]
    public async Task Wrap_UnknownServer_Exit2ListsServers()
    {
        var (exitCode, _, error) = await WrapAsync("--server", "nope");

        Assert.Equal(2, exitCode);
        Assert.Contains("no server named nope", error);
        Assert.Contains("bybit, filesystem, local-binary, remote", error);
    }

    [Fact]
    public async Task Wrap_ServerOption_OnlySelectedEntries()
    {
        var (exitCode, output, _) = await WrapAsync("--server", "bybit", "--server", "local-binary");

        Assert.Equal(0, exitCode);
        Assert.Contains("wrapped    bybit", output);
        Assert.Contains("wrapped    local-binary", output);
        Assert.DoesNotContain("filesystem", output);
        Assert.Contains("\"command\": \"npx\"", File.ReadAllText(_config));
    }

    [Fact]
    public async Task Wrap_MissingPolicy_Exit2()
    {
        File.Delete(_policy);

        var (exitCode, _, error) = await WrapAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains("policy not found", error);
    }

    [Fact]
    public async Task Wrap_MissingConfig_Exit2()
    {
        File.Delete(_config);

        var (exitCode, _, error) = await WrapAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains("config not found", error);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Wrap_PrivateConfigThroughSymlink_StaysPrivateAndLinked()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes and symlinks.");
        var real = _temp.File("real.json");
        File.Move(_config, real);
        File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(_config, real);

        var (exitCode, _, _) = await WrapAsync();

        Assert.Equal(0, exitCode);
        Assert.NotNull(new FileInfo(_config).LinkTarget);
        Assert.Contains("/opt/mcpguard/bin/mcpguard", File.ReadAllText(real));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(real));
    }

    [Fact]
    public async Task Wrap_InvalidPolicy_Exit2WithFileAndLineAndConfigUntouched()
    {
        File.WriteAllText(_policy, "version: 1\ndefault: deny\ntools:\n  place_order: maybe\n");

        var (exitCode, output, error) = await WrapAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains(_policy + ":4:", error);
        Assert.Contains("the config was not changed", error);
        Assert.Equal("", output);
        Assert.Equal(ServerEntriesTests.Golden("claude-desktop.json"), File.ReadAllText(_config));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.bak-*"));
    }

    [Fact]
    public async Task Wrap_DryRun_ShowsChangedLinesWritesNothing()
    {
        var (exitCode, output, _) = await WrapAsync("--dry-run");

        Assert.Equal(0, exitCode);
        Assert.Contains("wrapped    bybit", output);
        Assert.Contains("-       \"command\": \"uvx\",", output);
        Assert.Contains("+       \"command\": \"/opt/mcpguard/bin/mcpguard\",", output);
        Assert.Contains("Dry run: nothing was written.", output);
        Assert.DoesNotContain("key-123", output);
        Assert.Equal(ServerEntriesTests.Golden("claude-desktop.json"), File.ReadAllText(_config));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.bak-*"));
    }

    // The dry run diffed two re-indented renderings of the file, not the file and what wrap writes: a hand-written
    // `"args": ["-y", "pkg"]` (one line, as READMEs give it) looked unchanged, and the lines that replace it were
    // shown as a fragment. The diff must be of the bytes that would be written (values under env still masked).
    [Fact]
    public async Task Wrap_DryRun_ShowsTheLinesOfTheFileThatChange()
    {
        File.WriteAllText(_config, """
            {
              "mcpServers": {
                "everything": {
                  "command": "npx",
                  "args": ["-y", "@modelcontextprotocol/server-everything"],
                  "env": { "API_KEY": "key-123" }
                }
              }
            }

            """);

        var (exitCode, output, _) = await WrapAsync("--dry-run");

        Assert.Equal(0, exitCode);
        Assert.Contains(
            "  -       \"args\": [\"-y\", \"@modelcontextprotocol/server-everything\"],\n", output);
        Assert.Contains("  +       \"args\": [\n", output);
        Assert.Contains("  +         \"@modelcontextprotocol/server-everything\"\n", output);
        Assert.DoesNotContain("key-123", output);
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
        File.WriteAllText(_config, claudeCode);

        var (wrapCode, _, _) = await WrapAsync();
        var (unwrapCode, _, _) = await CommandRunner.RunAsync(
            UnwrapCommand.Create(s_clock), "--config", _config, "--command", "/opt/mcpguard/bin/mcpguard");

        Assert.Equal(0, wrapCode);
        Assert.Equal(0, unwrapCode);
        Assert.Equal(claudeCode, File.ReadAllText(_config));
    }

    [Fact]
    public async Task Wrap_DryRunOfRemoteEntry_ShowsHeadersMovingToEnvWithTheirValuesMasked()
    {
        var cursor = _temp.File("mcp.json");
        File.WriteAllText(cursor, ServerEntriesTests.Golden("cursor-remote.json"));

        var (exitCode, output, _) = await CommandRunner.RunAsync(
            WrapCommand.Create(s_clock), "--policy", _policy, "--config", cursor, "--command",
            "/opt/mcpguard/bin/mcpguard", "--dry-run");

        Assert.Equal(0, exitCode);
        Assert.Contains("-         \"X-Api-Key\": \"…\",", output);
        Assert.Contains("+         \"MCPGUARD_HEADER_X_API_KEY\": \"…\",", output);
        Assert.Contains("+         \"X-Api-Key=MCPGUARD_HEADER_X_API_KEY\",", output);
        Assert.DoesNotContain("literal-key-789", output);
        Assert.DoesNotContain("LINEAR_TOKEN", output);
        Assert.Equal(ServerEntriesTests.Golden("cursor-remote.json"), File.ReadAllText(cursor));
    }

    [Fact]
    public async Task Wrap_VsCodeServersShape_WrapsStdioAndRemoteSkipsSseAndUnwrapRestoresExactly()
    {
        var vscode = _temp.File("mcp.json");
        File.WriteAllText(vscode, ServerEntriesTests.Golden("vscode.json"));

        var (wrapExit, wrapOutput, _) = await CommandRunner.RunAsync(
            WrapCommand.Create(s_clock), "--policy", _policy, "--config", vscode, "--command",
            "/opt/mcpguard/bin/mcpguard");
        var wrapped = File.ReadAllText(vscode);
        var (unwrapExit, _, _) = await CommandRunner.RunAsync(
            UnwrapCommand.Create(s_clock), "--config", vscode, "--command", "/opt/mcpguard/bin/mcpguard");

        Assert.Equal(0, wrapExit);
        Assert.Contains("wrapped    bybit", wrapOutput);
        Assert.Contains("wrapped    github: https://api.githubcopilot.com/mcp/ now runs behind mcpguard", wrapOutput);
        Assert.Contains("skipped    legacy: an SSE server", wrapOutput);
        Assert.DoesNotContain("is not found on this PATH", wrapOutput);
        Assert.Equal(
            ServerEntriesTests.Golden("vscode.wrapped.json")
                .Replace("/etc/mcpguard/policy.yaml", _policy, StringComparison.Ordinal),
            wrapped);
        Assert.Equal(0, unwrapExit);
        Assert.Equal(ServerEntriesTests.Golden("vscode.json"), File.ReadAllText(vscode));
    }

    public void Dispose() => _temp.Dispose();

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
        File.WriteAllText(_config, ClaudeJson);

        var (exitCode, output, error) = await WrapAsync();
        var wrapped = File.ReadAllText(_config);
        var (unwrapCode, _, _) = await CommandRunner.RunAsync(
            UnwrapCommand.Create(s_clock), "--config", _config, "--command", "/opt/mcpguard/bin/mcpguard");

        Assert.True(exitCode == 0, error);
        Assert.Contains("wrapped    bybit (project /home/me/trading): uvx now runs behind mcpguard", output);
        Assert.Contains(
            "\"/opt/mcpguard/bin/mcpguard\",\n          \"args\": [\n            \"run\",\n            \"--name\","
                + "\n            \"bybit\"",
            wrapped);
        Assert.Contains("\"numStartups\": 5", wrapped);
        Assert.Equal(0, unwrapCode);
        Assert.Equal(ClaudeJson, File.ReadAllText(_config));
    }

    // The PATH note named a project's entry "bybit", as if it were the top-level one, and not the command that was
    // not found: the report says "bybit (project DIR)", and the note now says the same and names the command.
    [Fact]
    public async Task Wrap_ProjectEntryWhoseCommandIsNotOnPath_NoteNamesTheProjectEntryAndTheCommand()
    {
        File.WriteAllText(_config, """
            {
              "mcpServers": { "bybit": { "command": "/bin/sh", "args": ["-c", "true"] } },
              "projects": {
                "/home/me/trading": {
                  "mcpServers": { "bybit": { "command": "mcpguard-test-no-such-server", "args": [] } }
                }
              }
            }
            """);

        var (exitCode, _, error) = await WrapAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal(
            "mcpguard wrap: note: bybit (project /home/me/trading): its command mcpguard-test-no-such-server is not "
                + "found on this PATH; the client will not find it either (use an absolute path in the config)",
            error.TrimEnd('\n'));
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
        File.WriteAllText(_config, handWritten);

        var (exitCode, _, _) = await WrapAsync("--server", "bybit");

        Assert.Equal(0, exitCode);
        var wrapped = File.ReadAllText(_config);
        var entryEnd = wrapped.IndexOf("    },\n", StringComparison.Ordinal);
        Assert.Equal(
            handWritten[handWritten.IndexOf("    },\n", StringComparison.Ordinal)..], wrapped[entryEnd..]);
        Assert.StartsWith(
            "{\n  \"globalShortcut\": \"Ctrl+Space\",\n  \"mcpServers\": {\n    \"bybit\": {\n", wrapped,
            StringComparison.Ordinal);
        Assert.Contains("\"/opt/mcpguard/bin/mcpguard\"", wrapped, StringComparison.Ordinal);

        var (unwrapCode, _, _) = await CommandRunner.RunAsync(
            UnwrapCommand.Create(s_clock), "--config", _config, "--command", "/opt/mcpguard/bin/mcpguard");

        Assert.Equal(0, unwrapCode);
        Assert.Equal(handWritten, File.ReadAllText(_config));
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
        File.WriteAllText(_config, oneLine);

        var (exitCode, _, _) = await WrapAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal(
            expected.Replace("\"M\"", "\"/opt/mcpguard/bin/mcpguard\"", StringComparison.Ordinal)
                .Replace("\"P\"", $"\"{_policy}\"", StringComparison.Ordinal),
            File.ReadAllText(_config));

        var (unwrapCode, _, _) = await CommandRunner.RunAsync(
            UnwrapCommand.Create(s_clock), "--config", _config, "--command", "/opt/mcpguard/bin/mcpguard");

        Assert.Equal(0, unwrapCode);
        Assert.Equal(oneLine, File.ReadAllText(_config));
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
        File.WriteAllBytes(_config, original);

        var (exitCode, _, _) = await WrapAsync();

        Assert.Equal(0, exitCode);
        var wrapped = File.ReadAllBytes(_config);
        Assert.Equal(encoding.Preamble, wrapped.AsSpan(0, encoding.Preamble.Length).ToArray());
        Assert.Equal(
            ServerEntriesTests.Golden("claude-desktop.wrapped.json")
                .Replace("/etc/mcpguard/policy.yaml", _policy, StringComparison.Ordinal),
            encoding.GetString(wrapped.AsSpan(encoding.Preamble.Length)));

        var (unwrapCode, _, _) = await CommandRunner.RunAsync(
            UnwrapCommand.Create(s_clock), "--config", _config, "--command", "/opt/mcpguard/bin/mcpguard");

        Assert.Equal(0, unwrapCode);
        Assert.Equal(original, File.ReadAllBytes(_config));
    }

    private Task<(int ExitCode, string Output, string Error)> WrapAsync(params string[] extra) =>
        CommandRunner.RunAsync(
            WrapCommand.Create(s_clock),
            ["--policy", _policy, "--config", _config, "--command", "/opt/mcpguard/bin/mcpguard", .. extra]);
}
