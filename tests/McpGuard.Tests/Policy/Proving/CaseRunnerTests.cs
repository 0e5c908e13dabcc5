using McpGuard.Policy.Compile;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Proving;
using static McpGuard.Tests.Policy.PolicyTestData;
using static McpGuard.Tests.Policy.Proving.ProvingTestData;

namespace McpGuard.Tests.Policy.Proving;

public sealed class CaseRunnerTests
{
    private const string Orders = """
        version: 1
        default: deny
        hide: [cancel_all_orders]
        tools:
          place_order:
            rate_limit: { max: 2, window: 60s }
            budget: { argument: qty, max: 1, window: 24h }
            rules:
              - when: { qty: { lte: 0.5 } }
                action: allow
              - action: require_approval
                reason: Big orders need a human.
          set_leverage:
            action: deny
            reason: Leverage is capped at 5x.
        """;

    [Theory]
    [InlineData("place_order", """{ qty: "0.1" }""", "allow", "tools.place_order.rules[0]")]
    [InlineData("place_order", """{ qty: "0.9" }""", "require_approval", "tools.place_order.rules[1]")]
    [InlineData("set_leverage", "{ buyLeverage: 9 }", "deny", "tools.set_leverage")]
    [InlineData("cancel_all_orders", "{}", "hidden", "hide")]
    [InlineData("get_tickers", "{}", "deny", "default")]
    public void Run_ExpectationMet_Passes(string tool, string args, string expect, string rule)
    {
        var result = RunOne($"{{ name: c, call: {tool}, args: {args}, expect: {expect} }}");

        Assert.True(result.Passed);
        Assert.Equal(expect, DecisionWords.ProvenWord(result.Last.Verdict));
        Assert.Equal(rule, result.Last.RuleId);
    }

    [Fact]
    public void Run_ExpectUnknown_TheOlderWordForHidden_Passes()
    {
        var result = RunOne("{ name: c, call: cancel_all_orders, args: {}, expect: unknown }");

        Assert.True(result.Passed);
        Assert.Equal("hidden", DecisionWords.ProvenWord(result.Last.Verdict));
    }

    [Theory]
    [InlineData("place_order", """{ qty: "0.1" }""", "deny", CallVerdict.Allow)]
    [InlineData("place_order", """{ qty: "0.9" }""", "allow", CallVerdict.RequireApproval)]
    [InlineData("set_leverage", "{ buyLeverage: 9 }", "require_approval", CallVerdict.Deny)]
    [InlineData("cancel_all_orders", "{}", "deny", CallVerdict.UnknownTool)]
    [InlineData("get_tickers", "{}", "unknown", CallVerdict.Deny)]
    public void Run_ExpectationMissed_FailsWithTheActualDecision(
        string tool, string args, string expect, CallVerdict actual)
    {
        var result = RunOne($"{{ name: c, call: {tool}, args: {args}, expect: {expect} }}");

        Assert.False(result.Passed);
        Assert.Equal(CaseMismatch.Verdict, result.Failure!.Mismatch);
        Assert.Equal(actual, DecisionWords.Proven(result.Failure.Actual.Verdict));
    }

    [Fact]
    public void Run_ReasonContained_Passes()
    {
        Assert.True(RunOne("{ name: c, call: set_leverage, expect: deny, reason: capped at 5x }").Passed);
    }

    [Fact]
    public void Run_ReasonNotContained_FailsOnTheReason()
    {
        var result = RunOne("{ name: c, call: set_leverage, expect: deny, reason: Capped At 5X }");

        Assert.Equal(CaseMismatch.Reason, result.Failure!.Mismatch);
        Assert.Equal("Leverage is capped at 5x.", result.Failure.Actual.Reason);
    }

    [Fact]
    public void Run_StepsOverTheRateLimit_FailAtTheCallThatDiffers()
    {
        var result = RunOne("""
            name: three orders in a minute
            steps:
              - { call: place_order, args: { qty: "0.1" }, repeat: 3, expect: allow }
            """);

        Assert.False(result.Passed);
        Assert.Equal(3, result.Failure!.Repetition);
        Assert.Equal(CallVerdict.Deny, result.Failure.Actual.Verdict);
        Assert.Contains("rate limit of 2 per 1m", result.Failure.Actual.Reason);
        Assert.Equal(3, result.Calls);
    }

    [Theory]
    [InlineData("59s", "deny")]
    [InlineData("59999ms", "deny")]
    [InlineData("60s", "allow")]
    [InlineData("1m", "allow")]
    public void Run_WaitAcrossTheWindowBoundary_FreesTheLimitExactlyAtTheWindow(string wait, string third)
    {
        var result = RunOne($$"""
            name: window
            steps:
              - { call: place_order, args: { qty: "0.1" }, repeat: 2, expect: allow }
              - { wait: {{wait}} }
              - { call: place_order, args: { qty: "0.1" }, expect: {{third}} }
            """);

        Assert.True(result.Passed, result.Failure?.Actual.ToString());
    }

    [Fact]
    public void Run_BudgetOverADay_RefusesTheCallThatWouldExceedIt()
    {
        var result = RunOne("""
            name: budget
            steps:
              - { call: place_order, args: { qty: "0.5" }, repeat: 2, expect: allow }
              - { wait: 1m }
              - call: place_order
                args: { qty: "0.01" }
                expect: deny
                reason: "budget of sum of qty <= 1 per 1d for place_order would be exceeded; retry after 23h 59m"
              - { wait: 86339s }
              - { call: place_order, args: { qty: "0.5" }, expect: deny }
              - { wait: 1s }
              - { call: place_order, args: { qty: "0.5" }, expect: allow }
            """);

        Assert.True(result.Passed, result.Failure?.Actual.ToString());
    }

    [Fact]
    public void Run_ApprovalNeeded_IsNotCounted()
    {
        // No one approves in a test, so a call that needs a person never uses up the limit.
        var result = RunOne("""
            name: approvals do not count
            steps:
              - { call: place_order, args: { qty: "0.9" }, repeat: 5, expect: require_approval }
              - { call: place_order, args: { qty: "0.1" }, repeat: 2, expect: allow }
            """);

        Assert.True(result.Passed, result.Failure?.Actual.ToString());
    }

    [Fact]
    public void Run_ApprovedCalls_AreCountedLikeForwardedOnes()
    {
        var result = RunOne("""
            name: approved orders use up the limit
            steps:
              - { call: place_order, args: { qty: "0.9" }, approve: true, expect: require_approval }
              - { call: place_order, args: { qty: "0.1" }, expect: allow }
              - { call: place_order, args: { qty: "0.1" }, expect: deny, reason: rate limit }
              - { wait: 60s }
              - { call: place_order, args: { qty: "0.9" }, approve: true, expect: deny, reason: budget }
            """);

        Assert.True(result.Passed, result.Failure?.Actual.ToString());
    }

    [Fact]
    public void Run_SeveralCases_EachStartsWithFreshCounters()
    {
        var cases = Cases("""
            cases:
              - { name: first, steps: [{ call: place_order, args: { qty: "0.1" }, repeat: 2, expect: allow }] }
              - { name: second, steps: [{ call: place_order, args: { qty: "0.1" }, repeat: 2, expect: allow }] }
            """);

        var results = CaseRunner.Run(Load(Orders), cases);

        Assert.All(results, r => Assert.True(r.Passed));
    }

    [Fact]
    public void Run_ShippedSampleCases_AllPass()
    {
        var root = RepositoryRoot();
        var policy = PolicyLoader.LoadFile(Path.Combine(root, "samples", "bybit", "policy.yaml")).Policy!;
        var cases = CasesLoader.LoadFile(Path.Combine(root, "samples", "bybit", "policy.cases.yaml"));

        Assert.True(cases.Succeeded, string.Join("\n", cases.Errors));
        var failed = CaseRunner.Run(policy, cases.Cases).Where(r => !r.Passed).Select(r => r.Case.Name);
        Assert.Empty(failed);
    }

    private static CaseResult RunOne(string caseYaml)
    {
        var indented = string.Join("\n", caseYaml.Split('\n').Select((line, i) => (i == 0 ? "  - " : "    ") + line));
        var cases = Cases("cases:\n" + indented);
        return CaseRunner.Run(Load(Orders), Assert.Single(cases));
    }
}
