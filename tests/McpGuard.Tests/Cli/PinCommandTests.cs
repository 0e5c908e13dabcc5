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
            $"mcpguard pin: cannot write {temp.File("nodir/lock.json")}: its folder does not exist; "
                + "the lock file was not written.",
            error.TrimEnd('\n'));
    }
}
