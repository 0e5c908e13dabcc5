using McpGuard.Cli;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

/// <summary><c>check</c> without a server: an invalid policy is reported with file and line, exit 2.</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public async Task InvalidPolicy_WithoutServer_ErrorsWithFileAndLine_AndNoWordOfAServer()
    {
        using var temp = new TempDirectory();
        var policy = temp.File("policy.yaml");
        await File.WriteAllTextAsync(policy, "version: 1\ndefualt: deny\n", TestContext.Current.CancellationToken);

        var (exitCode, output, error) = await CommandRunner.RunAsync(CheckCommand.Create(), "--policy", policy);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains($"{policy}:2:", error, StringComparison.Ordinal);

        // No server was given, so none was "not started": the last line says what the errors mean here.
        var last = error.TrimEnd().Split('\n')[^1];
        Assert.DoesNotContain("server", last, StringComparison.Ordinal);
        Assert.Contains("invalid", last, StringComparison.Ordinal);
    }
}
