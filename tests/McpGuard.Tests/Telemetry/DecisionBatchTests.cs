using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// <c>mcpguard.decisions</c> counted on the export thread from the records the relay left uncounted: each label set
/// once a batch, at the flush; a record whose decision the relay counted is not counted again. The counter is
/// process-wide, so each test keeps to tool names of its own.
/// </summary>
public sealed class DecisionBatchTests
{
    [Fact]
    public void Flush_CountsEachLabelSetOfTheBatch_OnlyTheRecordsLeftUncounted()
    {
        using var metrics = new MetricAggregation();
        var batch = new DecisionBatch(GuardTelemetry.Decisions);
        var tool = "batch-" + Guid.NewGuid().ToString("N");
        var other = string.Concat("batch-", tool.AsSpan(6)); // an equal name, another instance

        batch.Add(Decided(tool, "allow", "default"));
        batch.Add(Decided(tool, "allow", "default"));
        batch.Add(Decided(other, "allow", "default"));
        batch.Add(Decided(tool, "deny", "tools.x"));
        batch.Add(Decided(tool, "hidden", tool, unlisted: true)); // (unknown) is every test's: the rule is this one's
        batch.Add(Decided(tool, "allow", "default", uncounted: false)); // the relay counted it
        batch.Add(new RequestTrace("tools/list", null, 0)); // no decision at all
        Assert.Empty(Series(metrics, tool));

        batch.Flush();

        Assert.Equal(3, Count(metrics, "allow", "default", tool));
        Assert.Equal(1, Count(metrics, "deny", "tools.x", tool));
        Assert.Equal(1, Count(metrics, "hidden", tool, TelemetryNames.UnlistedToolLabel));
    }

    /// <summary>
    /// A label set no call used in a batch is forgotten at its flush (a scrape's flush may find no call at all); a
    /// later call with those labels is still counted, not added to the forgotten set.
    /// </summary>
    [Fact]
    public void LabelSetUnusedForABatch_Forgotten_ThenCountedAgain()
    {
        using var metrics = new MetricAggregation();
        var batch = new DecisionBatch(GuardTelemetry.Decisions);
        var tool = "batch-" + Guid.NewGuid().ToString("N");
        var record = Decided(tool, "allow", "default");

        batch.Add(record);
        batch.Flush();
        batch.Flush(); // a batch without calls
        batch.Add(record);
        batch.Flush();

        Assert.Equal(2, Count(metrics, "allow", "default", tool));
    }

    [Fact]
    public void MoreLabelSetsThanKept_TheRestCountedAtOnce()
    {
        using var metrics = new MetricAggregation();
        var batch = new DecisionBatch(GuardTelemetry.Decisions);
        var prefix = "batch-" + Guid.NewGuid().ToString("N") + "-";

        for (var i = 0; i < 100; i++)
        {
            batch.Add(Decided(prefix + i, "allow", "default"));
        }

        Assert.Equal(36, Series(metrics, prefix).Count); // past the 64 kept, each counted as it came
        batch.Flush();
        Assert.Equal(100, Series(metrics, prefix).Count);
        Assert.All(Series(metrics, prefix), s => Assert.Equal(1, s.Total));
    }

    [Fact]
    public void CountNow_CountsALeftDecisionOnce()
    {
        using var metrics = new MetricAggregation();
        var tool = "batch-" + Guid.NewGuid().ToString("N");
        var record = Decided(tool, "deny", "tools.x");

        DecisionBatch.CountNow(GuardTelemetry.Decisions, record);
        DecisionBatch.CountNow(GuardTelemetry.Decisions, record);
        new DecisionBatch(GuardTelemetry.Decisions).Add(record);

        Assert.False(record.DecisionUncounted);
        Assert.Equal(1, Count(metrics, "deny", "tools.x", tool));
    }

    private static RequestTrace Decided(
        string tool, string decision, string rule, bool unlisted = false, bool uncounted = true) =>
        new("tools/call", tool, 0)
        {
            Traced = true, Decision = decision, Rule = rule, UnlistedTool = unlisted, DecisionUncounted = uncounted,
        };

    private static List<MetricSeries> Series(MetricAggregation metrics, string toolPrefix) =>
        [.. Decisions(metrics).Series
            .Where(s => s.Labels.Third?.StartsWith(toolPrefix, StringComparison.Ordinal) == true)];

    private static long Count(MetricAggregation metrics, string decision, string rule, string tool) =>
        Decisions(metrics).Series
            .Single(s => s.Labels.First == decision && s.Labels.Second == rule && s.Labels.Third == tool).Total;

    private static MetricTable Decisions(MetricAggregation metrics) =>
        metrics.Tables.Single(t => t.Instrument == GuardTelemetry.Decisions);
}
