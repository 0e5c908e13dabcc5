using McpGuard.Cli;
using McpGuard.Policy;
using McpGuard.Policy.Limits;
using McpGuard.Telemetry;
using McpGuard.Tests.Policy.Limits;
using static McpGuard.Tests.Policy.PolicyTestData;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// docs/telemetry.md: <c>mcpguard.limit.refusals</c> names the limit that refused as the gauges
/// <c>mcpguard.limit.used</c>/<c>.max</c> name it (<c>entry</c> as written in the policy or <c>limits</c>,
/// <c>kind</c> <c>rate_limit</c>/<c>budget</c>, <c>window</c>), so a dashboard can put a limit's refusals beside its
/// use. Before, refusals said <c>entry="tools.x"</c>, <c>kind="entry"</c> where the gauges said <c>x</c>,
/// <c>rate_limit</c>.
/// </summary>
public sealed class LimitRefusalLabelsTests
{
    private const string Policy = """
        version: 1
        default: allow
        limits:
          rate_limit: { max: 4, window: 1h }
        tools:
          labels_rate:
            rate_limit: { max: 1, window: 1m }
            action: allow
          labels_budget:
            budget: { argument: qty, max: 1, window: 24h }
            action: allow
          labels_per:
            rate_limit: { max: 5, window: 10m, per: account }
            action: allow
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Refusals_NameTheLimitAsItsGaugesDo_RateBudgetGlobalAndMissingPerArgument()
    {
        using var metrics = new PrometheusMetrics();
        var engine = new PolicyEngine(Load(Policy));
        Assert.True(engine.Consume(Call("labels_rate")).IsAllowed);
        Assert.True(engine.Consume(Call("labels_budget", """{"qty":"1"}""")).IsAllowed);
        Assert.True(engine.Consume(Call("labels_per", """{"account":"a"}""")).IsAllowed);
        Refuse(engine, Call("labels_rate"));
        Refuse(engine, Call("labels_budget", """{"qty":"0.5"}"""));
        Refuse(engine, Call("labels_per", "{}"));
        Assert.True(engine.Consume(Call("labels_other")).IsAllowed);
        Refuse(engine, Call("labels_other"));
        await using var gauges = new LimitGauges(
            token => LimitUses.ReadAsync(engine, engine.Counters, TimeProvider.System, token), TimeProvider.System,
            refreshInBackground: false);
        await gauges.RefreshNowAsync(Ct);

        var text = metrics.Scrape();
        var refusals = Labels(text, "mcpguard_limit_refusals_total");
        var used = Labels(text, "mcpguard_limit_used");
        string[] expected =
        [
            """{entry="labels_rate",kind="rate_limit",window="1m"}""",
            """{entry="labels_budget",kind="budget",window="1d"}""",
            """{entry="labels_per",kind="rate_limit",window="10m"}""",
            """{entry="limits",kind="rate_limit",window="1h"}""",
        ];
        foreach (var limit in expected)
        {
            Assert.Contains(limit, refusals);
            Assert.Contains(limit, used);
        }
    }

    private static void Refuse(PolicyEngine engine, ToolRequest request)
    {
        var outcome = Assert.IsType<LimitOutcome.Refused>(engine.ConsumeOutcome(request));
        GuardTelemetry.LimitRefused(outcome.Refusal);
    }

    /// <summary>The label sets of one metric's series in the Prometheus text.</summary>
    private static HashSet<string> Labels(string text, string metric) =>
    [
        .. text.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal))
            .Select(l => l[metric.Length..(l.IndexOf('}', StringComparison.Ordinal) + 1)]),
    ];
}
