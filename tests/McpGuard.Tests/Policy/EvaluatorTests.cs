using System.Text.RegularExpressions;
using McpGuard.Policy;
using McpGuard.Policy.Risk;
using static McpGuard.Tests.Policy.PolicyTestData;

namespace McpGuard.Tests.Policy;

public sealed class EvaluatorTests
{
    private const string Orders = """
        version: 1
        default: deny
        tools:
          place_order:
            rules:
              - when: { symbol: [BTCUSDT, ETHUSDT], category: spot, qty: { lte: 0.01 } }
                action: allow
              - action: require_approval
                reason: big
        """;

    [Theory]
    [InlineData("""{"symbol":"BTCUSDT","category":"spot","qty":"0.01"}""", Verdict.Allow)]
    [InlineData("""{"symbol":"BTCUSDT","category":"spot","qty":0.01}""", Verdict.Allow)]
    [InlineData("""{"symbol":"ETHUSDT","category":"spot","qty":"0.001"}""", Verdict.Allow)]
    [InlineData("""{"symbol":"BTCUSDT","category":"spot","qty":"0.0100000000000000000001"}""", Verdict.RequireApproval)]
    [InlineData("""{"symbol":"BTCUSDT","category":"spot","qty":1e-3}""", Verdict.Allow)]
    [InlineData("""{"symbol":"SOLUSDT","category":"spot","qty":"0.001"}""", Verdict.RequireApproval)]
    [InlineData("""{"symbol":"BTCUSDT","category":"linear","qty":"0.001"}""", Verdict.RequireApproval)]
    [InlineData("""{"symbol":"btcusdt","category":"spot","qty":"0.001"}""", Verdict.RequireApproval)]
    [InlineData("""{"symbol":"BTCUSDT","category":"spot","qty":"0.5"}""", Verdict.RequireApproval)]
    public void Evaluate_SmallOrderEnvelope_DecidesByFirstHoldingRule(string arguments, Verdict expected)
    {
        var engine = new PolicyEngine(Load(Orders));

        Assert.Equal(expected, engine.Evaluate(Call("place_order", arguments)).Verdict);
    }

    [Theory]
    [InlineData("""{"symbol":"BTCUSDT","category":"spot","qty":"\ud800"}""", Verdict.Deny, "'qty' cannot be compared")]
    [InlineData("""{"symbol":"BTCUSDT","category":"spot","qty":"0.001","\ud800":1}""", Verdict.Deny, "cannot be read")]
    [InlineData(
        """{"symbol":"\ud800","category":"spot","qty":"0.001"}""", Verdict.RequireApproval,
        "big")] // surely not BTCUSDT
    public void Evaluate_LoneSurrogateInAValueOrKey_DecidesWithoutThrowing(
        string arguments, Verdict expected, string why)
    {
        // Valid JSON that no .NET string can hold. The relay refuses such lines before the policy sees them; the
        // engine must still not throw for other callers (mcpguard explain --args, the library), and where the
        // answer depends on what cannot be read, it fails closed.
        var engine = new PolicyEngine(Load(Orders));

        var decision = engine.Evaluate(Call("place_order", arguments));

        Assert.Equal(expected, decision.Verdict);
        Assert.Contains(why, decision.Reason);
    }

    [Fact]
    public void Evaluate_ExistsFalseWithAnUnreadableKey_FailsClosed()
    {
        // The key that cannot be read might be the very name `exists: false` asks about.
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n"
                    + "      - when: { price: { exists: false } }\n        action: allow\n"));

        Assert.Equal(Verdict.Allow, engine.Evaluate(Call("t", """{"qty":1}""")).Verdict);
        Assert.Equal(Verdict.Deny, engine.Evaluate(Call("t", """{"\udc00":1}""")).Verdict);
    }

    [Theory]
    [InlineData("1e3")]
    [InlineData(" 100")]
    [InlineData("100 ")]
    [InlineData("1,000")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("١٢")]
    [InlineData("0x10")]
    [InlineData("")]
    public void Evaluate_QtyNotAStrictNumber_FailsClosedNamingTheArgument(string qty)
    {
        var engine = new PolicyEngine(Load(Orders));

        var decision = engine.Evaluate(
            Call("place_order", $$"""{"symbol":"BTCUSDT","category":"spot","qty":"{{qty}}"}"""));

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Contains("'qty'", decision.Reason);
    }

    [Theory]
    [InlineData("""{"symbol":"BTCUSDT","category":"spot"}""", "'qty' is missing")]
    [InlineData("""{"symbol":"BTCUSDT","category":"spot","qty":true}""", "'qty'")]
    [InlineData("""{"symbol":"BTCUSDT","category":"spot","qty":null}""", "'qty'")]
    [InlineData("""{"symbol":7,"category":"spot","qty":"0.001"}""", "'symbol'")]
    [InlineData("""{"category":"spot","qty":"0.001"}""", "'symbol' is missing")]
    public void Evaluate_ConditionCannotBeEvaluated_DeniesWhateverTheRuleSaid(string arguments, string because)
    {
        var decision = new PolicyEngine(Load(Orders)).Evaluate(Call("place_order", arguments));

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("tools.place_order.rules[0]", decision.RuleId);
        Assert.Contains(because, decision.Reason);
    }

    [Fact]
    public void RegexCondition_HasNoWallClockLimit()
    {
        // A 100 ms limit failed this class's regex rows under load (CI on a 2-core machine): the match is
        // non-backtracking, linear in the argument, so no timeout is needed and none may fail a call.
        var policy = Load(
            "version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n"
                + "      - when: { v: { regex: ^BTC } }\n        action: allow\n");

        var pattern = policy.Entries[0].Rules[0].When[0].Operators[0].Pattern;

        Assert.NotNull(pattern);
        Assert.Equal(Regex.InfiniteMatchTimeout, pattern.MatchTimeout);
    }

    [Theory]
    [InlineData("eq: 5", """{"v":5}""", true)]
    [InlineData("eq: 5", """{"v":"5.0"}""", true)]
    [InlineData("eq: '5'", """{"v":"5"}""", true)]
    [InlineData("ne: 5", """{"v":6}""", true)]
    [InlineData("ne: 5", """{"v":5}""", false)]
    [InlineData("in: [a, b]", """{"v":"b"}""", true)]
    [InlineData("in: [a, b]", """{"v":"c"}""", false)]
    [InlineData("not_in: [a, b]", """{"v":"c"}""", true)]
    [InlineData("lt: 10", """{"v":9.999}""", true)]
    [InlineData("lt: 10", """{"v":10}""", false)]
    [InlineData("lte: 10", """{"v":"10"}""", true)]
    [InlineData("gt: -1", """{"v":0}""", true)]
    [InlineData("gte: 100000000000000000000", """{"v":99999999999999999999}""", false)]
    [InlineData("gte: 1", """{"v":1e0}""", true)]
    [InlineData("regex: ^BTC", """{"v":"BTCUSDT"}""", true)]
    [InlineData("regex: ^BTC", """{"v":"xBTC"}""", false)]
    [InlineData("contains: USD", """{"v":"BTCUSDT"}""", true)]
    [InlineData("contains: x", """{"v":["a","x"]}""", true)]
    [InlineData("contains: y", """{"v":["a","x"]}""", false)]
    [InlineData("exists: true", """{"v":1}""", true)]
    [InlineData("exists: true", """{}""", false)]
    [InlineData("exists: false", """{}""", true)]
    [InlineData("eq: true", """{"v":true}""", true)]
    public void Evaluate_EveryOperator(string matcher, string arguments, bool holds)
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n"
                    + $"      - when: {{ v: {{ {matcher} }} }}\n        action: allow\n"));

        Assert.Equal(holds ? Verdict.Allow : Verdict.Deny, engine.Evaluate(Call("t", arguments)).Verdict);
    }

    [Theory]
    [InlineData("""{"request":[{"qty":"1"},{"qty":"2"}]}""", Verdict.Allow)]
    [InlineData("""{"request":[{"qty":"1"},{"qty":"20"}]}""", Verdict.RequireApproval)]
    [InlineData("""{"request":[{"qty":"1"},{"price":"2"}]}""", Verdict.Deny)]
    [InlineData("""{"request":[]}""", Verdict.Deny)]
    [InlineData("""{"order":{"qty":"1"}}""", Verdict.Deny)]
    public void Evaluate_WildcardPath_EveryElementMustSatisfy(string arguments, Verdict expected)
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: deny\ntools:\n  batch:\n    rules:\n"
                    + "      - when: { 'request[*].qty': { lte: 10 } }\n"
                    + "        action: allow\n      - action: require_approval\n"));

        Assert.Equal(expected, engine.Evaluate(Call("batch", arguments)).Verdict);
    }

    [Theory]
    [InlineData("""{"qté":"0.5"}""", Verdict.Allow)]
    [InlineData("""{"qt\u00e9":"0.5"}""", Verdict.Allow)]
    [InlineData("""{"qté":"2"}""", Verdict.Deny)]
    [InlineData("""{"qte":"0.5"}""", Verdict.Deny)]
    public void Evaluate_NonAsciiArgumentName_FoundWrittenPlainOrEscaped(string arguments, Verdict expected)
    {
        var engine = new PolicyEngine(
            Load("version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n"
                + "      - when: { qté: { lte: 1 } }\n        action: allow\n      - action: deny\n"));

        Assert.Equal(expected, engine.Evaluate(Call("t", arguments)).Verdict);
    }

    [Fact]
    public void Evaluate_NestedPath_ReadsIntoObjects()
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: deny\ntools:\n  t:\n    rules:\n"
                    + "      - when: { order.side: Buy }\n        action: allow\n"));

        Assert.Equal(Verdict.Allow, engine.Evaluate(Call("t", """{"order":{"side":"Buy"}}""")).Verdict);
    }

    [Theory]
    [InlineData("batch_cancel_order", Verdict.Deny, "hide")]
    [InlineData("cancel_all_orders", Verdict.Deny, "hide")]
    [InlineData("place_order", Verdict.Allow, "tools.place_order")]
    [InlineData("place_batch", Verdict.RequireApproval, "tools.place_*")]
    [InlineData("place_batch_x", Verdict.Deny, "tools.place_batch_*")]
    [InlineData("get_tickers", Verdict.Allow, "risk.read")]
    [InlineData("cancel_order", Verdict.RequireApproval, "risk.destructive")]
    [InlineData("frobnicate", Verdict.Deny, "default")]
    public void Evaluate_Precedence_HideThenEntryThenRiskThenDefault(string tool, Verdict expected, string ruleId)
    {
        var engine = new PolicyEngine(Load("""
            version: 1
            default: deny
            hide: ["cancel_all_*", batch_cancel_order]
            risk: { read: allow, destructive: require_approval }
            tools:
              place_order: allow
              "place_*": require_approval
              "place_batch_*": deny
            """));

        var decision = engine.Evaluate(Call(tool));

        Assert.Equal((expected, ruleId), (decision.Verdict, decision.RuleId));
    }

    /// <summary>
    /// A tool hidden by its class (<c>risk: { critical: hide }</c>, as `mcpguard init` writes) names that class as
    /// what hid it, in the decision, explain's steps and `tools`: there may be no <c>hide</c> key to look for.
    /// </summary>
    [Fact]
    public void Evaluate_HiddenByItsClass_NamesTheClassNotTheHideList()
    {
        var engine = new PolicyEngine(Load("""
            version: 1
            default: deny
            hide: [batch_cancel_order]
            risk: { critical: hide }
            """));

        var byClass = engine.Explain(Call("cancel_all_orders"));
        var byName = engine.Explain(Call("batch_cancel_order"));

        Assert.Equal((Verdict.Deny, "risk.critical"), (byClass.Decision.Verdict, byClass.Decision.RuleId.Text));
        Assert.Contains(byClass.Steps, s => s.StartsWith("risk.critical: ", StringComparison.Ordinal));
        Assert.DoesNotContain(byClass.Steps, s => s.StartsWith("hide:", StringComparison.Ordinal));
        Assert.Equal("risk.critical", engine.Describe("cancel_all_orders", null, null).RuleId.Text);
        Assert.Equal((Verdict.Deny, "hide"), (byName.Decision.Verdict, byName.Decision.RuleId.Text));
        Assert.Equal("hide", engine.Describe("batch_cancel_order", null, null).RuleId.Text);
    }

    [Fact]
    public void Evaluate_EntryWithoutMatchingRuleOrAction_Denies()
    {
        var engine = new PolicyEngine(
            Load(
                "version: 1\ndefault: allow\ntools:\n  t:\n    rules:\n"
                    + "      - when: { a: 1 }\n        action: allow\n"));

        Assert.Equal(Verdict.Deny, engine.Evaluate(Call("t", """{"a":2}""")).Verdict);
    }

    [Fact]
    public void Explain_ListsEveryStep()
    {
        var explanation = new PolicyEngine(Load(Orders))
            .Explain(Call("place_order", """{"symbol":"BTCUSDT","category":"spot","qty":"5"}"""));

        Assert.Equal(Verdict.RequireApproval, explanation.Decision.Verdict);
        Assert.Contains(explanation.Steps, s => s.Contains("qty: lte 0.01 → does not hold"));
        Assert.Contains(explanation.Steps, s => s.Contains("rules[1]: holds"));
    }
    [Fact]
    public void Evaluate_SameRuleAndClassTwice_OneDecisionKeptPerRuleAndClass()
    {
        // A rule's (or an entry's action's) decision depends only on the rule and the tool's class: made once, not an
        // object per call. Another rule, the entry's action or another class still decide for themselves.
        var policy = Load(Orders + "\n  get_*: allow\n");
        var engine = new PolicyEngine(policy);
        const string Small = """{"symbol":"BTCUSDT","category":"spot","qty":"0.01"}""";

        var first = engine.Evaluate(Call("place_order", Small));
        var again = engine.Evaluate(Call("place_order", Small));
        var big = engine.Evaluate(Call("place_order", """{"symbol":"SOLUSDT","category":"spot","qty":"1"}"""));
        var read = engine.Evaluate(Call("get_tickers") with { Risk = RiskClass.Read });
        var write = engine.Evaluate(Call("get_tickers") with { Risk = RiskClass.Write });

        Assert.Same(first, again);
        Assert.Equal(
            (Verdict.Allow, "tools.place_order.rules[0]", (string?)null),
            (first.Verdict, first.RuleId.Text, first.Reason));
        Assert.Equal(
            (Verdict.RequireApproval, "tools.place_order.rules[1]", "big"), (big.Verdict, big.RuleId.Text, big.Reason));
        Assert.Equal((Verdict.Allow, "tools.get_*", RiskClass.Read), (read.Verdict, read.RuleId.Text, read.Risk));
        Assert.Equal((Verdict.Allow, "tools.get_*", RiskClass.Write), (write.Verdict, write.RuleId.Text, write.Risk));
        Assert.Same(read, engine.Evaluate(Call("get_tickers") with { Risk = RiskClass.Read }));
    }

    [Fact]
    public void KeptDecision_ACopyOfTheEntry_DoesNotReadItsOriginals()
    {
        var entry = Load(Orders).Entries.Single();
        var kept = new PolicyEngine(Load(Orders)).Evaluate(Call("place_order", "{}"));
        entry.KeptDecision(-1, RiskClass.Unknown) = kept;

        var copy = entry with { Action = Verdict.Deny };

        Assert.Null(copy.KeptDecision(-1, RiskClass.Unknown));
        Assert.Same(kept, entry.KeptDecision(-1, RiskClass.Unknown));
    }
}
