using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Compile;
using McpGuard.Policy.Decide;

namespace McpGuard.Tests.Decide;

/// <summary>
/// A person is never asked about a call no approval can let through: one whose budget amount alone is over the
/// max is denied before anyone is asked (docs/approval.md). A call that may fit is still asked about.
/// </summary>
public sealed class AskBeforeLimitsTests
{
    private const string Policy = """
        version: 1
        default: deny
        tools:
          place_order:
            budget: { argument: qty, max: 0.5, window: 24h }
            action: require_approval
        """;

    [Fact]
    public void Decide_AmountAloneOverTheBudget_DeniedWithoutAsking()
    {
        var decision = Decide("""{"qty":"0.6"}""");

        var refused = Assert.IsType<CallDecision.Refuse>(decision);
        Assert.Equal(CallVerdict.Deny, refused.Verdict);
        Assert.Equal("tools.place_order", refused.Decision.RuleId.Text);
        Assert.Contains("can never be allowed", refused.Decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_AmountThatMayFit_AsksAPerson()
    {
        Assert.IsType<CallDecision.Ask>(Decide("""{"qty":"0.5"}"""));
    }

    private static CallDecision Decide(string arguments)
    {
        var policy = PolicyLoader.LoadText(Policy, "p.yaml").Policy!;
        using var document = JsonDocument.Parse(arguments);
        return CallDecider.Decide(policy, new CallFacts
        {
            ToolName = "place_order", Arguments = document.RootElement.Clone(), Sight = ToolSight.Assumed.ByName,
        });
    }
}
