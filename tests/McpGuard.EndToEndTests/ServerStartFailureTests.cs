using McpGuard.EndToEndTests.TestUtils;

namespace McpGuard.EndToEndTests;

/// <summary>
/// Every command that starts a server says in one line why it did not start: its exit code and the end of its
/// stderr, or that its command is not on PATH, never the SDK's "Failed to connect transport".
/// </summary>
public sealed class ServerStartFailureTests
{
    private static readonly string[] s_dying = [
        "sh", "-c", "echo 'loading config' >&2; echo 'BYBIT_API_KEY is not set' >&2; exit 3"];

    [Theory]
    [InlineData("tools")]
    [InlineData("check")]
    [InlineData("pin")]
    [InlineData("init")]
    public async Task Command_ServerExitsAtStart_OneLineWithExitCodeAndStderrTail(string command)
    {
        var policy = TempFiles.Write("policy.yaml", "version: 1\ndefault: allow\n");
        string[] options = command == "init" ? ["--out", TempFiles.NewPath("init.yaml")] : ["--policy", policy];
        if (command == "pin")
        {
            File.AppendAllText(policy, $"pins: {{ file: {TempFiles.NewPath("lock.json")} }}\n");
        }

        var (code, _, error) = await GuardCommand.RunAsync([command, .. options, "--", .. s_dying]);

        Assert.Equal(1, code);
        // One line saying why, after the "starting … (waiting up to 60 s)" line a server that has not answered in 2 s
        // earns (README): on a loaded machine the shell's start and exit can take that long.
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = lines[^1];
        Assert.Contains(
            "exited with code 3 before it answered; its stderr ends: loading config | BYBIT_API_KEY is not set", line);
        Assert.DoesNotContain("Failed to", line);
        Assert.True(lines.Length <= 2, error);
        Assert.All(
            lines[..^1],
            starting => Assert.StartsWith(
                $"mcpguard: starting '{string.Join(' ', s_dying)}'", starting, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tools")]
    [InlineData("run")]
    public async Task Command_ServerNotOnPath_SaysSo(string command)
    {
        var policy = TempFiles.Write("policy.yaml", "version: 1\ndefault: allow\n");

        var (code, _, error) = await GuardCommand.RunAsync(
            command, "--policy", policy, "--", "no-such-mcp-server-here");

        Assert.Equal(1, code);
        Assert.Contains("'no-such-mcp-server-here' was not found on PATH", error);
        Assert.DoesNotContain("   at ", error);
    }
}
