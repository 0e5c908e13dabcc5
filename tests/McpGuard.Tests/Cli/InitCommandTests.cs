using McpGuard.Cli;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

public sealed class InitCommandTests
{
    private const string Tools = """[{"name":"get_ticker","inputSchema":{"type":"object"}}]""";

    /// <summary>
    /// A missing folder is refused before the server starts (a real server takes seconds to list), in one line that
    /// names the folder; nothing is created.
    /// </summary>
    [Fact]
    public async Task Init_OutInAFolderThatDoesNotExist_RefusedWithoutStartingTheServer()
    {
        using var temp = new TempDirectory();
        await using var server = ScriptedServer.Listing(Tools);
        var folder = Path.Combine(temp.Path, "missing", "deeper");
        var policy = Path.Combine(folder, "policy.yaml");

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            InitCommand.Create(server.Connector), "--out", policy, "--", "scripted");

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Empty(output);
        Assert.Equal($"mcpguard: cannot write {policy}: its folder {folder} does not exist "
            + "(create it first; init does not create folders).", error.TrimEnd('\n'));
        Assert.Empty(server.Received);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    // tools, check and pin took --url, init did not: a remote server had no starter policy (docs/remote.md#inventory).
    [Fact]
    public async Task Init_Url_WritesAStarterPolicyNamedAfterTheHostAndTheNextStepNamesTheUrl()
    {
        using var temp = new TempDirectory();
        await using var server = ScriptedServer.Listing(Tools);
        var policy = Path.Combine(temp.Path, "remote.yaml");

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            InitCommand.Create(server.Connector), "--out", policy, "--url", "https://mcp.example.com/mcp?key=1");

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Contains("McpGuard starter policy for mcp.example.com", File.ReadAllText(policy));
        Assert.Contains(
            $"Next: mcpguard check --policy {policy} --url https://mcp.example.com/mcp{Environment.NewLine}", output);
        // The file's own hint said "-- SERVER COMMAND" for a server reached by URL too.
        Assert.Contains(
            "# Review it, then check it against the server: mcpguard check --policy THIS_FILE --url URL\n",
            File.ReadAllText(policy));
        Assert.DoesNotContain("key=1", File.ReadAllText(policy));
    }

    [Fact]
    public async Task Init_Command_TheFileSaysHowToCheckItAgainstTheServerCommand()
    {
        using var temp = new TempDirectory();
        await using var server = ScriptedServer.Listing(Tools);
        var policy = Path.Combine(temp.Path, "local.yaml");

        var (exitCode, _, error) = await CommandRunner.RunAsync(
            InitCommand.Create(server.Connector), "--out", policy, "--", "scripted");

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Contains(
            "# Review it, then check it against the server: mcpguard check --policy THIS_FILE -- SERVER COMMAND\n",
            File.ReadAllText(policy));
    }

    [Fact]
    public async Task Init_OutUnderAFile_RefusedWithoutStartingTheServer()
    {
        using var temp = new TempDirectory();
        await using var server = ScriptedServer.Listing(Tools);
        var notAFolder = Path.Combine(temp.Path, "notes.txt");
        File.WriteAllText(notAFolder, "x");
        var policy = Path.Combine(notAFolder, "policy.yaml");

        var (exitCode, _, error) = await CommandRunner.RunAsync(
            InitCommand.Create(server.Connector), "--out", policy, "--", "scripted");

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Equal($"mcpguard: cannot write {policy}: {notAFolder} is a file, not a folder.",
            error.TrimEnd('\n'));
        Assert.Empty(server.Received);
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
        Assert.Equal($"mcpguard: cannot write {temp.Path}: it is a folder.", error.TrimEnd('\n'));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
        Assert.Empty(server.Received);
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
        Assert.Equal($"mcpguard: {policy} exists; not overwriting it.", error.TrimEnd('\n'));
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
