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
}
