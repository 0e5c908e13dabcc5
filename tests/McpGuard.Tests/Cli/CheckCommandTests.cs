using McpGuard.Cli;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Cli;

/// <summary><c>check</c> without a server: an invalid policy is reported with file and line, exit 2.</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public async Task AgainstServer_FindingsAboutThePolicy_NameItsFileLineAndColumn()
    {
        using var temp = new TempDirectory();
        var policy = temp.File("policy.yaml");
        await File.WriteAllTextAsync(
            policy,
            "version: 1\ndefault: deny\nhide: [get_x, cancel_al_orders]\ntools:\n  get_tickers: allow\n"
                + "  plac_order: allow\n  place_order:\n    rules:\n      - when: { quantity: { lte: 1 } }\n"
                + "        action: allow\n",
            TestContext.Current.CancellationToken);
        await using var server = ScriptedServer.Listing(
            """[{"name":"get_tickers","inputSchema":{"type":"object"}},"""
                + """{"name":"place_order","inputSchema":{"type":"object","properties":{"qty":{"type":"string"}}}}]""");

        var (exitCode, output, _) = await CommandRunner.RunAsync(
            CheckCommand.Create(server.Connector), "--policy", policy, "--", "server");

        Assert.Equal(2, exitCode);
        Assert.Contains(
            $"warning: {policy}:3:15: hide: 'cancel_al_orders' matches no tool", output, StringComparison.Ordinal);
        Assert.Contains(
            $"error: {policy}:6:3: tools.plac_order: the server has no tool", output, StringComparison.Ordinal);
        Assert.Contains(
            $"error: {policy}:9:17: tools.place_order.rules[0]: 'quantity' is not in the input schema",
            output,
            StringComparison.Ordinal);
    }

    // It said "(1 tool entries, 1 hidden names or globs)".
    [Theory]
    [InlineData("tools: { a: allow }\nhide: [b]\n", "1 tool entry, 1 hidden name or glob")]
    [InlineData("tools: { a: allow, c: deny }\nhide: [b, d]\n", "2 tool entries, 2 hidden names or globs")]
    public async Task ValidPolicy_WithoutServer_CountsInWords(string body, string counts)
    {
        using var temp = new TempDirectory();
        var policy = temp.File("policy.yaml");
        await File.WriteAllTextAsync(
            policy, "version: 1\ndefault: deny\n" + body, TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(CheckCommand.Create(), "--policy", policy);

        Assert.Equal(0, exitCode);
        Assert.Contains($"{policy}: valid ({counts}).", output, StringComparison.Ordinal);
    }

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

    // It said "valid" and nothing else, while `serve` with the same policy exits 2 (docs/serve.md).
    [Fact]
    public async Task ValidPolicy_ServeListensBeyondLoopbackWithoutAuth_WarnsThatServeRefusesIt()
    {
        using var temp = new TempDirectory();
        var policy = temp.File("policy.yaml");
        await File.WriteAllTextAsync(
            policy,
            "version: 1\ndefault: deny\nserve: { listen: \"0.0.0.0:8750\" }\n",
            TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(CheckCommand.Create(), "--policy", policy);

        Assert.Equal(0, exitCode);
        Assert.Contains(
            "warning: serve: listening on 0.0.0.0:8750, which is not a loopback address, needs serve.auth (tokens or "
                + "oauth) in the policy; `mcpguard serve` refuses to start with it (exit 2) unless --listen gives a "
                + "loopback address.",
            output,
            StringComparison.Ordinal);
        Assert.Contains($"{policy}: valid (", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve: { listen: \"127.0.0.1:8750\" }\n")]
    [InlineData("serve: { listen: \"0.0.0.0:8750\", auth: { tokens: agents.yaml } }\n")]
    [InlineData("")]
    public async Task ValidPolicy_ServeBlockServeAccepts_NoServeWarning(string body)
    {
        using var temp = new TempDirectory();
        var policy = temp.File("policy.yaml");
        await File.WriteAllTextAsync(
            policy, "version: 1\ndefault: deny\n" + body, TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(CheckCommand.Create(), "--policy", policy);

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("serve", output, StringComparison.Ordinal);
    }
}
