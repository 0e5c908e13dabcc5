using McpGuard.Desk;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Desk;

public sealed class DeskReportsTests
{
    private static DeskGuardReport Report(string server) =>
        new(server, [new DeskLimitUse("place_order", "rate_limit", "1m", 2, 10, null)], []);

    private static DeskGuardReport Decided(string server, params DeskDecisionMinute[] minutes) =>
        new(server, [], minutes);

    /// <summary>
    /// A guard that exits takes its limits off the page, but the decisions it made stay in the last 15 minutes'
    /// chart, as a dashboard's rate keeps a process that has gone.
    /// </summary>
    [Fact]
    public void Remove_GuardThatDecided_ItsDecisionsStayInTheLastFifteenMinutes()
    {
        var time = new FakeTimeProvider();
        var reports = new DeskReports(time);
        var minute = time.GetUtcNow();
        var allowed = new DeskDecisionMinute(minute, "allow", 2);
        reports.Put("a", Decided("bybit", allowed, new DeskDecisionMinute(minute, "deny", 1)));
        reports.Put("b", Decided("github", new DeskDecisionMinute(minute, "allow", 3)));

        reports.Remove("a");
        reports.Remove("b");

        Assert.Empty(reports.Snapshot());
        Assert.Equal(
            [new DeskDecisionMinute(minute, "allow", 5), new DeskDecisionMinute(minute, "deny", 1)],
            reports.DepartedMinutes());
    }

    [Fact]
    public void DepartedMinutes_SilentGuardGone_KeptUntilTheMinuteLeavesTheChart()
    {
        var time = new FakeTimeProvider();
        var reports = new DeskReports(time);
        var minute = time.GetUtcNow();
        reports.Put("quiet", Decided("bybit", new DeskDecisionMinute(minute, "allow", 4)));

        time.Advance(3 * DeskReports.ReportEvery + TimeSpan.FromSeconds(1));
        Assert.Empty(reports.Snapshot());
        Assert.Equal([new DeskDecisionMinute(minute, "allow", 4)], reports.DepartedMinutes());

        time.Advance(DeskReports.ChartSpan - 3 * DeskReports.ReportEvery - TimeSpan.FromSeconds(2));
        Assert.Single(reports.DepartedMinutes());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(reports.DepartedMinutes());
    }

    /// <summary>A guard the desk took for gone that reports again carries its minutes itself: not counted twice.
    /// </summary>
    [Fact]
    public void Put_GuardHeardAgainAfterItWasTakenForGone_ItsMinutesNotCountedTwice()
    {
        var time = new FakeTimeProvider();
        var reports = new DeskReports(time);
        var minute = time.GetUtcNow();
        reports.Put("slow", Decided("bybit", new DeskDecisionMinute(minute, "allow", 1)));
        time.Advance(3 * DeskReports.ReportEvery + TimeSpan.FromSeconds(1));
        Assert.Empty(reports.Snapshot());

        reports.Put("slow", Decided("bybit", new DeskDecisionMinute(minute, "allow", 1)));

        Assert.Single(reports.Snapshot());
        Assert.Empty(reports.DepartedMinutes());
    }

    [Fact]
    public void Put_SameGuardAgain_ReplacesItsPicture()
    {
        var reports = new DeskReports(new FakeTimeProvider());

        reports.Put("a", Report("bybit"));
        reports.Put("a", Report("bybit-testnet"));

        Assert.Equal("bybit-testnet", Assert.Single(reports.Snapshot()).Report.Server);
    }

    [Fact]
    public void Snapshot_GuardSilentForThreeReportIntervals_IsGone()
    {
        var time = new FakeTimeProvider();
        var reports = new DeskReports(time);
        reports.Put("quiet", Report("a"));
        reports.Put("talking", Report("b"));

        time.Advance(2 * DeskReports.ReportEvery);
        reports.Put("talking", Report("b"));
        time.Advance(DeskReports.ReportEvery + TimeSpan.FromSeconds(1));

        Assert.Equal(["talking"], reports.Snapshot().Select(g => g.Id));
    }

    [Fact]
    public void Put_MoreGuardsThanTheDeskShows_RefusesNewOnesKeepsUpdatingKnownOnes()
    {
        var reports = new DeskReports(new FakeTimeProvider());
        for (var i = 0; i < DeskReports.MaxGuards; i++)
        {
            Assert.True(reports.Put($"g{i}", Report("s")));
        }

        Assert.False(reports.Put("one-too-many", Report("s")));
        Assert.True(reports.Put("g0", Report("s")));
        reports.Remove("g1");
        Assert.True(reports.Put("one-too-many", Report("s")));
    }

    [Fact]
    public void IsBounded_TooManyRows_False()
    {
        var rows = Enumerable.Repeat(
            new DeskDecisionMinute(DateTimeOffset.UnixEpoch, "allow", 1), DeskGuardReport.MaxRows + 1);

        Assert.False(new DeskGuardReport("s", [], [.. rows]).IsBounded);
        Assert.True(Report("s").IsBounded);
    }
}
