using McpGuard.Cli;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

public sealed class InitCommandTests
{
    private const string Tools = """[{"name":"get_ticker","inputSchema":{"type":"object"}}]""";

    [Fact]
    public async Task Init_OutInAFolderThatDoesNotExist_OneLineNoStackTrace()
    {
        using var temp = new TempDirectory();
        await using var server = ScriptedServer.Listing(Tools);
        var policy = Path.Combine(temp.Path, "missing", "policy.yaml");

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            InitCommand.Create(server.Connector), "--out", policy, "--", "scripted");

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Empty(output);
        Assert.Equal($"mcpguard init: cannot write {policy}: its folder does not exist.", error.TrimEnd('\n'));
    }

    [Fact]
    public async Task Init_OutIsAFolder_SaysSo()
    {
        using var temp = new TempDirectory();
        await using var server = ScriptedServer.Listing(Tools);

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            InitCommand.Create(server.Connector), "--out", temp.Path, "--", "scripted");

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Empty(output);
        Assert.Equal($"mcpguard init: cannot write {temp.Path}: it is a folder.", error.TrimEnd('\n'));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }
}
