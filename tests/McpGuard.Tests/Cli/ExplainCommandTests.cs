using McpGuard.Cli;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

public sealed class ExplainCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Explain_DuplicateArgument_IsRefusedAsTheGuardRefusesIt()
    {
        // A running guard answers such a call -32600 and judges nothing: explain must not decide on one of the two.
        var policy = await PolicyAsync();

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            ExplainCommand.Create(),
            "--policy", policy, "--tool", "place_order", "--args", """{"qty":"0.001","qty":"5"}""");

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Empty(output);
        Assert.StartsWith(
            "mcpguard explain: --args has a duplicate key, which a guard refuses (-32600): ",
            error,
            StringComparison.Ordinal);
        Assert.Equal(1, error.Count(c => c == '\n'));
    }

    [Fact]
    public async Task Explain_ArgumentsNotJson_SaysSo()
    {
        var policy = await PolicyAsync();

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            ExplainCommand.Create(), "--policy", policy, "--tool", "place_order", "--args", "{bad");

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Empty(output);
        Assert.StartsWith("mcpguard explain: --args is not JSON: ", error, StringComparison.Ordinal);
    }

    private async Task<string> PolicyAsync()
    {
        var path = _directory.File("policy.yaml");
        await File.WriteAllTextAsync(
            path,
            "version: 1\ndefault: deny\ntools:\n  place_order:\n    rules:\n      - when: { qty: { lte: 0.01 } }\n"
                + "        action: allow\n",
            TestContext.Current.CancellationToken);
        return path;
    }
}
