using McpGuard.Cli;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

public sealed class AgentsCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("add", "alice")]
    [InlineData("list")]
    public async Task BadPolicy_SaysNoAgentWasTouched_NotThatAServerWasNotStarted(params string[] args)
    {
        // agents starts no server: the error's last line says what did not happen here.
        var missing = _directory.File("missing.yaml");

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            AgentsCommand.Create(), [.. args, "--policy", missing]);

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Empty(output);
        Assert.Contains("missing.yaml", error, StringComparison.Ordinal);
        Assert.Contains("the agents file was not read or changed.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("server", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_NoAgentsFile_SaysSoOnStderr()
    {
        var policy = await WriteServePolicyAsync();

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            AgentsCommand.Create(), ["list", "--policy", policy]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Empty(output);
        Assert.Equal(
            $"mcpguard: no agents: {_directory.File("agents.yaml")} does not exist. "
                + "Add one with 'mcpguard agents add NAME'.",
            error.TrimEnd('\n'));
    }

    [Fact]
    public async Task List_EveryAgentRevoked_SaysTheFileHasNone()
    {
        var policy = await WriteServePolicyAsync();
        await CommandRunner.RunAsync(AgentsCommand.Create(), ["add", "alice", "--policy", policy]);
        await CommandRunner.RunAsync(AgentsCommand.Create(), ["revoke", "alice", "--policy", policy]);

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            AgentsCommand.Create(), ["list", "--policy", policy]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Empty(output);
        Assert.Equal(
            $"mcpguard: no agents in {_directory.File("agents.yaml")}. Add one with 'mcpguard agents add NAME'.",
            error.TrimEnd('\n'));
    }

    [Fact]
    public async Task Add_AfterTheLastAgentWasRevokedByAnOlderVersion_ReadsTheEmptyList()
    {
        // Before 2026-12-05 revoking the last agent wrote `agents:` with nothing under it, which no command could read.
        var policy = await WriteServePolicyAsync();
        await File.WriteAllTextAsync(
            _directory.File("agents.yaml"),
            "# Written by `mcpguard agents add`: the SHA-256 of each agent's bearer token, never the token.\nagents:\n",
            TestContext.Current.CancellationToken);

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            AgentsCommand.Create(), ["add", "bob", "--policy", policy]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.StartsWith("mcpg_", output, StringComparison.Ordinal);
        Assert.Contains("added agent bob", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_AgentsFileCannotBeWritten_OneLineAndNoToken()
    {
        // The agents file's folder would be under a regular file: it cannot be created, whoever runs the test.
        await File.WriteAllTextAsync(_directory.File("file"), "", TestContext.Current.CancellationToken);
        var policy = await WriteServePolicyAsync("file/sub/agents.yaml");

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            AgentsCommand.Create(), ["add", "bob", "--policy", policy]);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Empty(output);
        Assert.StartsWith(
            $"mcpguard: cannot read or write the agents file {_directory.File("file/sub/agents.yaml")}: ",
            error,
            StringComparison.Ordinal);
        Assert.EndsWith("; the agents file was not changed.\n", error, StringComparison.Ordinal);
        Assert.Equal(1, error.Count(c => c == '\n'));
    }

    /// <summary>A policy whose <c>serve</c> block names the agents file the agents commands read and write.</summary>
    private async Task<string> WriteServePolicyAsync(string tokens = "agents.yaml")
    {
        var policy = _directory.File("policy.yaml");
        await File.WriteAllTextAsync(
            policy,
            $"version: 1\ndefault: deny\nserve: {{ auth: {{ tokens: {tokens} }} }}\n",
            TestContext.Current.CancellationToken);
        return policy;
    }
}
