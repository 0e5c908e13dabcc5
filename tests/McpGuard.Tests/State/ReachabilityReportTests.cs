using McpGuard.State;

namespace McpGuard.Tests.State;

public sealed class ReachabilityReportTests
{
    [Fact]
    public void DownAtStartThenEveryRetryFails_OneOutageSaidOnce()
    {
        var report = new ReachabilityReport();

        Assert.True(report.WentDown());   // "not connected at start"
        Assert.False(report.WentDown());  // the first reconnect attempt's UnableToConnect: the same outage
        Assert.False(report.WentDown());
    }

    [Fact]
    public void BackThenDownAgain_EachChangeSaidOnce()
    {
        var report = new ReachabilityReport();

        Assert.False(report.CameBack());  // reachable from the start: nothing to say
        Assert.True(report.WentDown());
        Assert.True(report.CameBack());
        Assert.False(report.CameBack());
        Assert.True(report.WentDown());
    }
}
