using McpGuard.Cli;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

public sealed class PinCommandTests
{
    [Fact]
    public async Task Pin_LockFileInAFolderThatDoesNotExist_OneLineNoStackTrace()
    {
        using var temp = new TempDirectory();
        var policy = temp.File("policy.yaml");
        await File.WriteAllTextAsync(
            policy,
            "version: 1\ndefault: allow\npins: { file: nodir/lock.json }\n",
            TestContext.Current.CancellationToken);
        await using var server = ScriptedServer.Listing("""[{"name":"get_ticker","inputSchema":{"type":"object"}}]""");

        var (exitCode, _, error) = await CommandRunner.RunAsync(
            PinCommand.Create(server.Connector), "--policy", policy, "--", "server");

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Equal(
            $"mcpguard: cannot write {temp.File("nodir/lock.json")}: its folder does not exist; "
                + "the lock file was not written.",
            error.TrimEnd('\n'));
    }

    /// <summary>
    /// A pin diff is where a person reviews what a server changed: a zero-width character or Unicode tags added to
    /// a description must show, not print as nothing (seen with the real Bybit server, a poisoned get_kline).
    /// </summary>
    [Fact]
    public async Task PinCheck_InvisibleCharactersAddedToADescription_TheDiffShowsThemEscaped()
    {
        using var temp = new TempDirectory();
        var policy = temp.File("policy.yaml");
        await File.WriteAllTextAsync(
            policy, "version: 1\ndefault: allow\npins: { file: lock.json }\n", TestContext.Current.CancellationToken);
        await using (var before = ScriptedServer.Listing(
            """[{"name":"get_kline","description":"Candles.","inputSchema":{"type":"object"}}]"""))
        {
            var (written, _, writeError) = await CommandRunner.RunAsync(
                PinCommand.Create(before.Connector), "--policy", policy, "--", "server");
            Assert.True(written == 0, writeError);
        }

        const string Poisoned = "Candles.\\u200B\\uDB40\\uDC41 hidden";
        await using var after = ScriptedServer.Listing(
            $$$"""[{"name":"get_kline","description":"{{{Poisoned}}}","inputSchema":{"type":"object"}}]""");
        var (exitCode, output, _) = await CommandRunner.RunAsync(
            PinCommand.Create(after.Connector), "--policy", policy, "--check", "--", "server");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains("+ Candles.\\u200B\\uDB40\\uDC41 hidden", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u200B', output);
        Assert.DoesNotContain(output, char.IsSurrogate);
    }
}
