using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

public sealed class WrapCommandTests : IDisposable
{
    private readonly WrapFolder _folder = new();

    [Fact]
    public async Task Wrap_WritesBackupFirstThenConfigAndReports()
    {
        var (exitCode, output, _) = await _folder.WrapAsync();

        Assert.Equal(0, exitCode);
        var backup = _folder.Config + ".bak-20260314T150926Z";
        Assert.Equal(ServerEntriesTests.Golden("claude-desktop.json"), File.ReadAllText(backup));
        Assert.Contains($"Backup: {backup}", output);
        Assert.Contains("wrapped    bybit: uvx now runs behind mcpguard with policy " + _folder.Policy, output);
        Assert.Contains(
            "wrapped    remote: https://example.com/mcp now runs behind mcpguard with policy " + _folder.Policy,
            output);
        Assert.Equal(
            ServerEntriesTests.Golden("claude-desktop.wrapped.json")
                .Replace("/etc/mcpguard/policy.yaml", _folder.Policy, StringComparison.Ordinal),
            File.ReadAllText(_folder.Config));
        Assert.DoesNotContain("key-123", output);
    }

    [Fact]
    public async Task Wrap_Twice_SecondRunWritesNothing()
    {
        await _folder.WrapAsync();
        var wrapped = File.ReadAllText(_folder.Config);

        var (exitCode, output, _) = await _folder.WrapAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("Nothing to change", output);
        Assert.Equal(wrapped, File.ReadAllText(_folder.Config));
        Assert.Single(Directory.GetFiles(_folder.Path, "*.bak-*"));
    }

    [Fact]
    public async Task Wrap_BrokenConfig_Exit2AndUntouched()
    {
        const string Broken = "{\n  \"mcpServers\": {\n    \"a\": { \"command\": \"x\" \"args\": [] }\n  }\n}\n";
        File.WriteAllText(_folder.Config, Broken);

        var (exitCode, _, error) = await _folder.WrapAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains("is not valid JSON at line 3", error);
        Assert.Equal(Broken, File.ReadAllText(_folder.Config));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.bak-*"));
    }

    [Theory]
    [InlineData("{\n  // mine\n  \"mcpServers\": { \"a\": { \"command\": \"x\" } }\n}\n")]
    [InlineData("{\n  \"mcpServers\": { \"a\": { \"command\": \"x\" }, }\n}\n")]
    public async Task Wrap_ConfigWithCommentsOrTrailingCommas_SaysSoAndWhatToDo(string config)
    {
        // VS Code and Cursor accept these in mcp.json; the parser's own words ("'/' is invalid after a value") did
        // not say what to change.
        File.WriteAllText(_folder.Config, config);

        var (exitCode, _, error) = await _folder.WrapAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains(
            "; its client allows them, but wrap and unwrap edit strict JSON only: remove them, or edit the entry "
                + "by hand (docs/wrap.md)",
            error, StringComparison.Ordinal);
        Assert.Equal(config, File.ReadAllText(_folder.Config));
    }

    [Fact]
    public async Task Wrap_UnknownServer_Exit2ListsServers()
    {
        var (exitCode, _, error) = await _folder.WrapAsync("--server", "nope");

        Assert.Equal(2, exitCode);
        Assert.Contains("no server named nope", error);
        Assert.Contains("bybit, filesystem, local-binary, remote", error);
    }

    [Fact]
    public async Task Wrap_ServerOption_OnlySelectedEntries()
    {
        var (exitCode, output, _) = await _folder.WrapAsync("--server", "bybit", "--server", "local-binary");

        Assert.Equal(0, exitCode);
        Assert.Contains("wrapped    bybit", output);
        Assert.Contains("wrapped    local-binary", output);
        Assert.DoesNotContain("filesystem", output);
        Assert.Contains("\"command\": \"npx\"", File.ReadAllText(_folder.Config));
    }

    [Fact]
    public async Task Wrap_MissingPolicy_Exit2()
    {
        File.Delete(_folder.Policy);

        var (exitCode, _, error) = await _folder.WrapAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains("policy not found", error);
    }

    [Fact]
    public async Task Wrap_MissingConfig_Exit2()
    {
        File.Delete(_folder.Config);

        var (exitCode, _, error) = await _folder.WrapAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains("config not found", error);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Wrap_PrivateConfigThroughSymlink_StaysPrivateAndLinked()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes and symlinks.");
        var real = _folder.File("real.json");
        File.Move(_folder.Config, real);
        File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(_folder.Config, real);

        var (exitCode, _, _) = await _folder.WrapAsync();

        Assert.Equal(0, exitCode);
        Assert.NotNull(new FileInfo(_folder.Config).LinkTarget);
        Assert.Contains("/opt/mcpguard/bin/mcpguard", File.ReadAllText(real));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(real));
    }

    [Fact]
    public async Task Wrap_InvalidPolicy_Exit2WithFileAndLineAndConfigUntouched()
    {
        File.WriteAllText(_folder.Policy, "version: 1\ndefault: deny\ntools:\n  place_order: maybe\n");

        var (exitCode, output, error) = await _folder.WrapAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains(_folder.Policy + ":4:", error);
        Assert.Contains("the config was not changed", error);
        Assert.Equal("", output);
        Assert.Equal(ServerEntriesTests.Golden("claude-desktop.json"), File.ReadAllText(_folder.Config));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.bak-*"));
    }

    [Fact]
    public async Task Wrap_DryRun_ShowsChangedLinesWritesNothing()
    {
        var (exitCode, output, _) = await _folder.WrapAsync("--dry-run");

        Assert.Equal(0, exitCode);
        Assert.Contains("would wrap   bybit", output); // nothing was wrapped: not "wrapped"
        Assert.DoesNotContain("wrapped    bybit", output);
        Assert.Contains("-       \"command\": \"uvx\",", output);
        Assert.Contains("+       \"command\": \"/opt/mcpguard/bin/mcpguard\",", output);
        Assert.Contains("Dry run: nothing was written.", output);
        Assert.DoesNotContain("key-123", output);
        Assert.Equal(ServerEntriesTests.Golden("claude-desktop.json"), File.ReadAllText(_folder.Config));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.bak-*"));
    }

    // The dry run diffed two re-indented renderings of the file, not the file and what wrap writes: a hand-written
    // `"args": ["-y", "pkg"]` (one line, as READMEs give it) looked unchanged, and the lines that replace it were
    // shown as a fragment. The diff must be of the bytes that would be written (values under env still masked).
    [Fact]
    public async Task Wrap_DryRun_ShowsTheLinesOfTheFileThatChange()
    {
        File.WriteAllText(_folder.Config, """
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

        var (exitCode, output, _) = await _folder.WrapAsync("--dry-run");

        Assert.Equal(0, exitCode);
        Assert.Contains(
            "  -       \"args\": [\"-y\", \"@modelcontextprotocol/server-everything\"],\n", output);
        Assert.Contains("  +       \"args\": [\"run\", \"--name\", \"everything\", \"--policy\", ", output);
        Assert.Contains("\"--\", \"npx\", \"-y\", \"@modelcontextprotocol/server-everything\"],\n", output);
        Assert.DoesNotContain("key-123", output);
    }

    [Fact]
    public async Task Wrap_DryRunOfRemoteEntry_ShowsHeadersMovingToEnvWithTheirValuesMasked()
    {
        var cursor = _folder.File("mcp.json");
        File.WriteAllText(cursor, ServerEntriesTests.Golden("cursor-remote.json"));

        var (exitCode, output, _) = await _folder.WrapConfigAsync(cursor, "--dry-run");

        Assert.Equal(0, exitCode);
        Assert.Contains("-         \"X-Api-Key\": \"…\",", output);
        Assert.Contains("+         \"MCPGUARD_HEADER_X_API_KEY\": \"…\",", output);
        Assert.Contains("+         \"X-Api-Key=MCPGUARD_HEADER_X_API_KEY\",", output);
        Assert.DoesNotContain("literal-key-789", output);
        Assert.DoesNotContain("LINEAR_TOKEN", output);
        Assert.Equal(ServerEntriesTests.Golden("cursor-remote.json"), File.ReadAllText(cursor));
    }

    // The PATH note named a project's entry "bybit", as if it were the top-level one, and not the command that was
    // not found: the report says "bybit (project DIR)", and the note now says the same and names the command.
    [Fact]
    public async Task Wrap_ProjectEntryWhoseCommandIsNotOnPath_NoteNamesTheProjectEntryAndTheCommand()
    {
        File.WriteAllText(_folder.Config, """
            {
              "mcpServers": { "bybit": { "command": "/bin/sh", "args": ["-c", "true"] } },
              "projects": {
                "/home/me/trading": {
                  "mcpServers": { "bybit": { "command": "mcpguard-test-no-such-server", "args": [] } }
                }
              }
            }
            """);

        var (exitCode, _, error) = await _folder.WrapAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal(
            "mcpguard: note: bybit (project /home/me/trading): its command mcpguard-test-no-such-server is not "
                + "found on this PATH; the client will not find it either (use an absolute path in the config)",
            error.TrimEnd('\n'));
    }

    public void Dispose() => _folder.Dispose();
}
