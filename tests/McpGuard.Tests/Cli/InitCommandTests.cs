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

    /// <summary>An existing file is refused before the server starts: nothing to wait for, nothing to run.</summary>
    [Fact]
    public async Task Init_OutExists_RefusedWithoutStartingTheServer()
    {
        using var temp = new TempDirectory();
        await using var server = ScriptedServer.Listing(Tools);
        var policy = Path.Combine(temp.Path, "policy.yaml");
        File.WriteAllText(policy, "version: 1\n");

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            InitCommand.Create(server.Connector), "--out", policy, "--", "scripted");

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Empty(output);
        Assert.Equal($"mcpguard init: {policy} exists; not overwriting it.", error.TrimEnd('\n'));
        Assert.Empty(server.Received);
        Assert.Equal("version: 1\n", File.ReadAllText(policy));
    }

    /// <summary>
    /// The starter's approval timeout is under the 60 s after which common clients give up on a call
    /// (docs/approval.md#client-timeouts): a longer one lets a person approve a call nobody waits for any more.
    /// </summary>
    [Fact]
    public async Task Init_StarterPolicy_ApprovalTimeoutUnderTheClientsSixtySeconds()
    {
        await using var server = ScriptedServer.Listing(Tools);

        var (exitCode, output, _) = await CommandRunner.RunAsync(
            InitCommand.Create(server.Connector), "--", "scripted");

        Assert.Equal(ExitCodes.Success, exitCode);
        var policy = McpGuard.Policy.Compile.PolicyLoader.LoadText(output, "starter.yaml").Policy!;
        Assert.True(policy.Approval.Timeout < TimeSpan.FromSeconds(60), policy.Approval.Timeout.ToString());
    }
}
