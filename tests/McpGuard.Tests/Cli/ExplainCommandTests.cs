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
        Assert.Equal(
            "mcpguard: --args has a duplicate key \"qty\" at line 1, column 16, which a guard refuses "
                + "(-32600).",
            error.TrimEnd());
        Assert.Equal(1, error.Count(c => c == '\n'));
    }

    // Nesting deeper than a guard's limit was reported "is not JSON" (and a duplicate key "has a duplicate key" with
    // no place): the message says which rule and where.
    [Fact]
    public async Task Explain_ArgumentsTooDeep_SaysSoAndWhere()
    {
        var policy = await PolicyAsync();
        var deep = "{\"a\":" + new string('[', 64) + new string(']', 64) + "}";

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            ExplainCommand.Create(), "--policy", policy, "--tool", "place_order", "--args", deep);

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Empty(output);
        Assert.Equal(
            "mcpguard: --args has nesting deeper than 64 levels at line 1, column 69, which a guard refuses "
                + "(-32600).",
            error.TrimEnd());
    }

    [Fact]
    public async Task Explain_ArgumentsNotJson_SaysSo()
    {
        var policy = await PolicyAsync();

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            ExplainCommand.Create(), "--policy", policy, "--tool", "place_order", "--args", "{bad");

        Assert.Equal(ExitCodes.UsageOrPolicyError, exitCode);
        Assert.Empty(output);
        Assert.StartsWith("mcpguard: --args is not JSON: ", error, StringComparison.Ordinal);
    }

    // A running guard (and `mcpguard test`) denies these whatever its counters hold; explain said "allow".
    [Theory]
    [InlineData("""{"qty":"-0.01","symbol":"BTCUSDT"}""", "tools.place_order", "as a strict number of 0 or more")]
    [InlineData("""{"qty":"abc","symbol":"BTCUSDT"}""", "tools.place_order", "as a strict number of 0 or more")]
    [InlineData("""{"qty":"0.6","symbol":"BTCUSDT"}""", "tools.place_order", "can never be allowed")]
    [InlineData("""{"qty":"0.01"}""", "tools.place_order", "'symbol'")]
    public async Task Explain_AllowedCallItsLimitsRefuseWhateverTheCounts_IsDenied(
        string arguments, string rule, string reason)
    {
        var path = await LimitedPolicyAsync();

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            ExplainCommand.Create(), "--policy", path, "--tool", "place_order", "--args", arguments);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Empty(error);
        var decision = Assert.Single(output.Split('\n'), l => l.StartsWith("decision: ", StringComparison.Ordinal));
        Assert.StartsWith($"decision: deny by {rule}: ", decision, StringComparison.Ordinal);
        Assert.Contains(reason, decision, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_AllowedCallWithinItsLimits_IsAllowed()
    {
        var path = await LimitedPolicyAsync();

        var (exitCode, output, _) = await CommandRunner.RunAsync(
            ExplainCommand.Create(),
            "--policy", path, "--tool", "place_order", "--args", """{"qty":"0.5","symbol":"BTCUSDT"}""");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("decision: allow by tools.place_order\n", output, StringComparison.Ordinal);
    }

    /// <summary>place_order allowed within a budget of 0.5 a day per symbol.</summary>
    private async Task<string> LimitedPolicyAsync()
    {
        var path = _directory.File("limited.yaml");
        await File.WriteAllTextAsync(
            path,
            "version: 1\ndefault: deny\ntools:\n  place_order:\n    action: allow\n"
                + "    budget: { argument: qty, max: 0.5, window: 24h, per: symbol }\n",
            TestContext.Current.CancellationToken);
        return path;
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
