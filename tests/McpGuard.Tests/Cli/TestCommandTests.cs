using System.Text.Json;
using McpGuard.Cli;
using McpGuard.Tests.TestUtils;
using static McpGuard.Tests.Policy.Proving.ProvingTestData;

namespace McpGuard.Tests.Cli;

public sealed class TestCommandTests
{
    private static readonly string s_policy = Path.Combine(RepositoryRoot(), "samples", "bybit", "policy.yaml");
    private static readonly string s_cases = Path.Combine(RepositoryRoot(), "samples", "bybit", "policy.cases.yaml");

    [Fact]
    public async Task Test_SampleCases_AllPassAndExitZero()
    {
        var (exitCode, output, error) = await CommandRunner.RunAsync(TestCommand.Create(), "--policy", s_policy, s_cases);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains("✔ leverage above 5x is refused — deny by tools.set_leverage.rules[1]: Leverage is capped at 5x.", output);
        Assert.Contains("✔ small spot orders go through — allow by tools.place_order.rules[0]", output);
        Assert.Matches(@"\n38 passed, 0 failed\r?\n$", output);
        Assert.False(output.Contains('\u001b', StringComparison.Ordinal), "colour codes in output that is not a terminal");
    }

    [Fact]
    public async Task Test_BrokenEditOfTheSamplePolicy_NamesTheFailingCaseAndExitsOne()
    {
        using var temp = new TempDirectory();
        var broken = temp.File("policy.yaml");

        // The sample pins its tools; its lock file goes with it (without it the policy is invalid, exit 2).
        File.Copy(Path.Combine(Path.GetDirectoryName(s_policy)!, "bybit.lock.json"), temp.File("bybit.lock.json"));

        // The edit a tired person makes: the small-order envelope grows tenfold.
        var text = await File.ReadAllTextAsync(s_policy, TestContext.Current.CancellationToken);
        const string Envelope = "category: spot, qty: { lte: 0.01 } }";
        Assert.Equal(2, text.Split(Envelope).Length); // exactly one place_order envelope to loosen
        await File.WriteAllTextAsync(broken, text.Replace(Envelope, "category: spot, qty: { lte: 0.1 } }", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(TestCommand.Create(), "--policy", broken, s_cases);

        Assert.Equal(1, exitCode);
        Assert.Contains("✘ a bigger order needs a person — expected require_approval, got allow by tools.place_order.rules[0]", output);
        Assert.Contains($"    at {s_cases}:", output);
        Assert.Contains("37 passed, 1 failed", output);
    }

    [Fact]
    public async Task Test_FailingStep_SaysWhichCallOfWhichStep()
    {
        using var temp = new TempDirectory();
        var cases = temp.File("c.cases.yaml");
        await File.WriteAllTextAsync(cases, """
            cases:
              - name: twelve small orders
                steps:
                  - { call: place_order, args: { category: spot, symbol: BTCUSDT, qty: "0.001" }, repeat: 12, expect: allow }
            """, TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(TestCommand.Create(), "--policy", s_policy, cases);

        Assert.Equal(1, exitCode);
        Assert.Contains("✘ twelve small orders — expected allow, got deny by tools.place_order: rate limit of 10 per 1m for place_order reached; retry after 60s.", output);
        Assert.Contains($"    at {cases}:4 (step 1, call 11 of 12)", output);
        Assert.Contains("0 passed, 1 failed", output);
    }

    [Fact]
    public async Task Test_InvalidCasesFile_ExitsTwoWithFileLineAndPath()
    {
        using var temp = new TempDirectory();
        var cases = temp.File("bad.cases.yaml");
        await File.WriteAllTextAsync(cases, "cases:\n  - name: a\n    call: place_order\n    expect: alow\n", TestContext.Current.CancellationToken);

        var (exitCode, output, error) = await CommandRunner.RunAsync(TestCommand.Create(), "--policy", s_policy, s_cases, cases);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains($"mcpguard: {cases}:4:13: cases[0].expect: must be one of allow, deny, require_approval, unknown", error);
        Assert.Contains("no case was run", error);
    }

    [Fact]
    public async Task Test_InvalidPolicy_ExitsTwo()
    {
        using var temp = new TempDirectory();
        var policy = temp.File("policy.yaml");
        await File.WriteAllTextAsync(policy, "version: 1\ndefualt: deny\n", TestContext.Current.CancellationToken);

        var (exitCode, _, error) = await CommandRunner.RunAsync(TestCommand.Create(), "--policy", policy, s_cases);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{policy}:2:1: defualt: unknown key", error);
    }

    [Fact]
    public async Task Test_Json_ReportsEveryCaseAndTheFailure()
    {
        using var temp = new TempDirectory();
        var cases = temp.File("c.cases.yaml");
        await File.WriteAllTextAsync(cases, """
            cases:
              - { name: reads, call: get_tickers, expect: allow }
              - { name: leverage, call: set_leverage, args: { buyLeverage: "9", sellLeverage: "9" }, expect: deny, reason: "capped at 3x" }
            """, TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(TestCommand.Create(), "--policy", s_policy, cases, "--json");

        Assert.Equal(1, exitCode);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("passed").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        var failing = root.GetProperty("cases")[1];
        Assert.Equal("leverage", failing.GetProperty("name").GetString());
        Assert.Equal("deny", failing.GetProperty("decision").GetString());
        Assert.Equal("tools.set_leverage.rules[1]", failing.GetProperty("rule").GetString());
        Assert.Equal("reason", failing.GetProperty("failure").GetProperty("mismatch").GetString());
        Assert.Equal("capped at 3x", failing.GetProperty("failure").GetProperty("expected_reason").GetString());
    }

    [Fact]
    public async Task Test_HostileCaseName_IsPrintedEscaped()
    {
        using var temp = new TempDirectory();
        var cases = temp.File("c.cases.yaml");
        await File.WriteAllTextAsync(cases, "cases:\n  - { name: \"evil\\e[2J[red]x[/]\", call: get_tickers, expect: allow }\n", TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(TestCommand.Create(), "--policy", s_policy, cases);

        Assert.Equal(0, exitCode);
        Assert.Contains("evil\\u001B[2J[red]x[/]", output);
        Assert.False(output.Contains('\u001b', StringComparison.Ordinal), "raw ESC in output");
    }
}
