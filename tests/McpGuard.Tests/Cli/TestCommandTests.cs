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
        var (exitCode, output, error) = await CommandRunner.RunAsync(
            TestCommand.Create(), "--policy", s_policy, s_cases);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains(
            "✔ leverage above 5x is refused — deny by tools.set_leverage.rules[1]: Leverage is capped at 5x.", output);
        Assert.Contains("✔ small spot orders go through — allow by tools.place_order.rules[0]", output);
        Assert.Matches(@"\n39 passed, 0 failed\r?\n$", output);
        Assert.False(
            output.Contains('\u001b', StringComparison.Ordinal), "colour codes in output that is not a terminal");
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
        await File.WriteAllTextAsync(
            broken, text.Replace(Envelope, "category: spot, qty: { lte: 0.1 } }", StringComparison.Ordinal),
            TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(TestCommand.Create(), "--policy", broken, s_cases);

        Assert.Equal(1, exitCode);
        Assert.Contains(
            "✘ a bigger order needs a person — expected require_approval, got allow by tools.place_order.rules[0]",
            output);
        Assert.Contains($"    at {s_cases}:", output);
        Assert.Contains("38 passed, 1 failed", output);
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
                  - call: place_order
                    args: { category: spot, symbol: BTCUSDT, qty: "0.001" }
                    repeat: 12
                    expect: allow
            """, TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(TestCommand.Create(), "--policy", s_policy, cases);

        Assert.Equal(1, exitCode);
        Assert.Contains(
            "✘ twelve small orders — expected allow, got deny by tools.place_order: "
                + "rate limit of 10 per 1m for place_order reached; retry after 1m.",
            output);
        Assert.Contains($"    at {cases}:4 (step 1, call 11 of 12)", output);
        Assert.Contains("0 passed, 1 failed", output);
    }

    [Fact]
    public async Task Test_InvalidCasesFile_ExitsTwoWithFileLineAndPath()
    {
        using var temp = new TempDirectory();
        var cases = temp.File("bad.cases.yaml");
        await File.WriteAllTextAsync(
            cases, "cases:\n  - name: a\n    call: place_order\n    expect: alow\n",
            TestContext.Current.CancellationToken);

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            TestCommand.Create(), "--policy", s_policy, s_cases, cases);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains(
            $"mcpguard: {cases}:4:13: cases[0].expect: must be one of allow, deny, require_approval, hidden", error);
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
              - name: leverage
                call: set_leverage
                args: { buyLeverage: "9", sellLeverage: "9" }
                expect: deny
                reason: "capped at 3x"
            """, TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(
            TestCommand.Create(), "--policy", s_policy, cases, "--json");

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
        await File.WriteAllTextAsync(
            cases, "cases:\n  - { name: \"evil\\e[2J[red]x[/]\", call: get_tickers, expect: allow }\n",
            TestContext.Current.CancellationToken);

        var (exitCode, output, _) = await CommandRunner.RunAsync(TestCommand.Create(), "--policy", s_policy, cases);

        Assert.Equal(0, exitCode);
        Assert.Contains("evil\\u001B[2J[red]x[/]", output);
        Assert.False(output.Contains('\u001b', StringComparison.Ordinal), "raw ESC in output");
    }

    private const string CoveragePolicy = """
        version: 1
        default: deny
        risk: { read: allow }
        tools:
          place_order:
            rules:
              - when: { qty: { lte: 0.01 } }
                action: allow
              - when: { qty: { lte: 1 } }
                action: require_approval
            action: deny
          get_server_time: allow
        """;

    private const string CoverageCases = """
        cases:
          - { name: a small order, call: place_order, args: { qty: "0.001" }, expect: allow }
          - { name: a huge order, call: place_order, args: { qty: "5" }, expect: deny }
        """;

    [Fact]
    public async Task Test_Coverage_NamesTheEntriesRulesAndClassesNoCaseReaches()
    {
        using var temp = new TempDirectory();
        var (policy, cases) = await WriteAsync(temp, CoveragePolicy, CoverageCases);

        var (exitCode, output, error) = await CommandRunner.RunAsync(
            TestCommand.Create(), "--policy", policy, cases, "--coverage");

        Assert.True(exitCode == 0, error);
        Assert.Contains(
            "2 passed, 0 failed\nCoverage: 3 parts of the policy no case reaches:\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("  tools.place_order.rules[1]: no case is decided by this rule", output);
        Assert.Contains("  tools.get_server_time: no case calls a tool of this entry", output);
        Assert.Contains("  risk.read: no case falls through to this risk class", output);
        Assert.DoesNotContain("  tools.place_order.rules[0]:", output);
        Assert.DoesNotContain("  tools.place_order:", output);
    }

    [Fact]
    public async Task Test_CoverageJson_ListsTheUnreachedParts()
    {
        using var temp = new TempDirectory();
        var (policy, cases) = await WriteAsync(temp, CoveragePolicy, CoverageCases);

        var (_, output, _) = await CommandRunner.RunAsync(
            TestCommand.Create(), "--policy", policy, cases, "--coverage", "--json");

        using var json = JsonDocument.Parse(output);
        var unreached = json.RootElement.GetProperty("unreached").EnumerateArray()
            .Select(p => $"{p.GetProperty("kind").GetString()} {p.GetProperty("id").GetString()}");
        Assert.Equal(
            ["rule tools.place_order.rules[1]", "entry tools.get_server_time", "risk_class risk.read"], unreached);
    }

    [Fact]
    public async Task Test_CoverageOfARuleTheLimitRefused_CountsTheRuleAsReached()
    {
        using var temp = new TempDirectory();
        var (policy, cases) = await WriteAsync(temp, """
            version: 1
            default: deny
            tools:
              place_order: { rate_limit: 1/minute, rules: [{ action: allow }] }
            """, """
            cases:
              - name: the second order is refused by the limit
                steps: [{ call: place_order, expect: allow }, { call: place_order, expect: deny }]
            """);

        var (_, output, _) = await CommandRunner.RunAsync(
            TestCommand.Create(), "--policy", policy, cases, "--coverage");

        Assert.Contains("Coverage: every tools entry, rule and risk class of the policy is reached by a case.", output);
    }

    [Fact]
    public async Task Test_Filter_RunsOnlyTheCasesWhoseNameContainsIt()
    {
        var (exitCode, output, _) = await CommandRunner.RunAsync(
            TestCommand.Create(), "--policy", s_policy, s_cases, "--filter", "LEVERAGE ABOVE");

        Assert.Equal(0, exitCode);
        Assert.Contains("✔ leverage above 5x is refused", output);
        Assert.Contains("✔ leverage above 5x on one side only is refused", output);
        Assert.DoesNotContain("small spot orders", output);
        Assert.Contains("2 passed, 0 failed", output);
    }

    [Fact]
    public async Task Test_FilterMatchingNothing_ExitsTwoAndRunsNothing()
    {
        var (exitCode, output, error) = await CommandRunner.RunAsync(
            TestCommand.Create(), "--policy", s_policy, s_cases, "--filter", "no such case");

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains(
            "mcpguard: no case name contains \"no such case\" (39 cases read); nothing was run.", error);
    }

    [Fact]
    public async Task Test_Junit_WritesOneTestcasePerCaseWithTheFailure()
    {
        using var temp = new TempDirectory();
        var (policy, cases) = await WriteAsync(temp, CoveragePolicy, """
            cases:
              - { name: a small order, call: place_order, args: { qty: "0.001" }, expect: allow }
              - { name: "a <huge> order", call: place_order, args: { qty: "5" }, expect: allow }
            """);
        var junit = temp.File("results.xml");

        var (exitCode, _, _) = await CommandRunner.RunAsync(
            TestCommand.Create(), "--policy", policy, cases, "--junit", junit);

        Assert.Equal(1, exitCode);
        var xml = System.Xml.Linq.XDocument.Load(junit);
        var suite = Assert.Single(xml.Root!.Elements("testsuite"));
        Assert.Equal(cases, (string?)suite.Attribute("name"));
        Assert.Equal("2", (string?)suite.Attribute("tests"));
        Assert.Equal("1", (string?)suite.Attribute("failures"));
        var failing = suite.Elements("testcase").Single(t => (string?)t.Attribute("name") == "a <huge> order");
        Assert.Equal(
            "expected allow, got deny by tools.place_order: tools.place_order denies this tool.",
            (string?)failing.Element("failure")!.Attribute("message"));
        Assert.Null(suite.Elements("testcase").First().Element("failure"));
    }

    private static async Task<(string Policy, string Cases)> WriteAsync(TempDirectory temp, string policy, string cases)
    {
        var policyFile = temp.File("policy.yaml");
        var casesFile = temp.File("policy.cases.yaml");
        await File.WriteAllTextAsync(policyFile, policy, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(casesFile, cases, TestContext.Current.CancellationToken);
        return (policyFile, casesFile);
    }
}
