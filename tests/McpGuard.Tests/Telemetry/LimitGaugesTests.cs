using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// The limit gauges while the counter store does not answer (a Redis outage): a scrape shows no use for the limits
/// rather than the last picture read before the outage as if it were now (docs/telemetry.md). The desk keeps showing
/// that last picture, as it says.
/// </summary>
public sealed class LimitGaugesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StoreDown_TheGaugesShowNoUse_NotTheLastPicture_ThenTheNewOne()
    {
        using var metrics = new PrometheusMetrics();
        var down = false;
        var use = new LimitUse("gauges_store_down", "rate_limit", "1m", 2, 3, null);
        await using var gauges = new LimitGauges(
            _ => down
                ? Task.FromException<IReadOnlyList<LimitUse>>(new TimeoutException("the store does not answer"))
                : Task.FromResult<IReadOnlyList<LimitUse>>([use]),
            TimeProvider.System,
            refreshInBackground: false);

        await gauges.RefreshNowAsync(Ct);
        var before = metrics.Scrape();
        down = true;
        await Assert.ThrowsAsync<TimeoutException>(() => gauges.RefreshNowAsync(Ct));
        var during = metrics.Scrape();
        down = false;
        await gauges.RefreshNowAsync(Ct);
        var after = metrics.Scrape();

        const string Series = "mcpguard_limit_used{entry=\"gauges_store_down\",kind=\"rate_limit\",window=\"1m\"} 2";
        Assert.Contains(Series, before, StringComparison.Ordinal);
        Assert.DoesNotContain("gauges_store_down", during, StringComparison.Ordinal);
        Assert.Contains(Series, after, StringComparison.Ordinal);
        Assert.Equal([use], gauges.Snapshot);
    }
}
