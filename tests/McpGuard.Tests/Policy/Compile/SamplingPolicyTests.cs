using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;

namespace McpGuard.Tests.Policy.Compile;

/// <summary>
/// <c>sampling: { tools: refuse | judge }</c> (docs/policy.md#sampling) and how a tool the client's model picks is
/// judged: like a call, except that nothing waits for a person.
/// </summary>
public sealed class SamplingPolicyTests
{
    private const string Tools =
        "version: 1\ndefault: deny\nhide: [secret]\ntools:\n  echo: allow\n  place_order:\n    rules:\n"
        + "      - when: { qty: { lte: 1 } }\n        action: require_approval\n"
        + "      - action: deny\n        reason: too big\n";

    [Theory]
    [InlineData("", false)]
    [InlineData("sampling: {}\n", false)]
    [InlineData("sampling: { tools: refuse }\n", false)]
    [InlineData("sampling: { tools: judge }\n", true)]
    public void Load_SamplingBlock_ReadsTheMode(string block, bool judges)
    {
        var result = PolicyLoader.LoadText("version: 1\ndefault: deny\n" + block, "p.yaml");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(judges ? SamplingTools.Judge : SamplingTools.Refuse, result.Policy!.SamplingTools);
    }

    [Theory]
    [InlineData("sampling: { tools: allow }\n", "sampling.tools", 3, "must be refuse or judge")]
    [InlineData("sampling: judge\n", "sampling", 3, "must be a mapping")]
    [InlineData("sampling:\n  tool: judge\n", "sampling.tool", 4, "tool")]
    public void Load_BadSamplingBlock_ErrorWithLineAndPath(string block, string path, int line, string message) =>
        PolicyTestData.AssertOneError(block, path, line, message);

    [Theory]
    [InlineData("echo", "{}")]
    [InlineData("place_order", """{"qty":"9"}""")]
    public void EvaluatePicked_Refusing_EveryPickRefused(string tool, string arguments)
    {
        var decision = Picked(Tools, tool, arguments);

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("sampling", decision.RuleId);
        Assert.Contains("sampling with tools", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("echo", "{}", true, "tools.echo", null)]
    [InlineData(
        "place_order", """{"qty":"9"}""", false, "tools.place_order.rules[1]", "the model picked place_order: too big")]
    [InlineData("place_order", """{"qty":"0.5"}""", false, "tools.place_order.rules[0]", "cannot wait for one")]
    [InlineData("secret", "{}", false, "hide", "which the policy hides")]
    [InlineData("other", "{}", false, "default", "the model picked other")]
    public void EvaluatePicked_Judging_LikeACallButNothingWaitsForAPerson(
        string tool, string arguments, bool allowed, string rule, string? reason)
    {
        var decision = Picked(Tools + "sampling: { tools: judge }\n", tool, arguments);

        Assert.Equal(allowed ? Verdict.Allow : Verdict.Deny, decision.Verdict);
        Assert.Equal(rule, decision.RuleId);
        if (reason is not null)
        {
            Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ExplainPicked_Judging_SaysWhyEveryStep()
    {
        var policy = PolicyLoader.LoadText(Tools + "sampling: { tools: judge }\n", "p.yaml").Policy!;
        using var arguments = JsonDocument.Parse("""{"qty":"0.5"}""");

        var steps = new List<string>();
        var decision = CallDecider.Decide(policy, Pick("place_order", arguments.RootElement), steps);

        Assert.Equal(CallVerdict.Deny, decision.Verdict);
        Assert.Contains(steps, step => step.Contains("sampling.tools is judge", StringComparison.Ordinal));
        Assert.Contains(steps, step => step.Contains("cannot wait for", StringComparison.Ordinal));
    }

    private static PolicyDecision Picked(string yaml, string tool, string arguments)
    {
        var result = PolicyLoader.LoadText(yaml, "p.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        using var document = JsonDocument.Parse(arguments);
        return CallDecider.Decide(result.Policy!, Pick(tool, document.RootElement)) switch
        {
            CallDecision.Allow allow => allow.Decision,
            CallDecision.Refuse refuse => refuse.Decision,
            var other => throw new InvalidOperationException($"a pick decided {other.GetType().Name}"),
        };
    }

    private static CallFacts Pick(string tool, JsonElement arguments) =>
        new() { ToolName = tool, Arguments = arguments, Sight = ToolSight.Assumed.ByName, Picked = true };
}
