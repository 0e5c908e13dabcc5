using McpGuard.Desk;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Desk;

public sealed class DeskReportsTests
{
    private static DeskGuardReport Report(string server) =>
        new(server, [new DeskLimitUse("place_order", "rate_limit", "1m", 2, 10, null)], []);

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
