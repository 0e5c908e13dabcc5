using System.Diagnostics.Metrics;

namespace McpGuard.Telemetry;

/// <summary>
/// <c>mcpguard.limit.used</c> and <c>mcpguard.limit.max</c>: how close each limit is to its max. Gauge callbacks are
/// synchronous and run on an exporter's or a scrape's thread, so they read a snapshot that a background loop refreshes
/// from the counter store every <see cref="Interval"/> — never a store read on a call's path (docs/telemetry.md).
/// The desk page shows the same <see cref="Snapshot"/> (DeskReporter.cs); with telemetry off the reporter refreshes
/// it just before it reports, so no loop reads the store while no desk is there to look.
/// </summary>
internal sealed class LimitGauges : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly Func<CancellationToken, Task<IReadOnlyList<LimitUse>>> _read;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ObservableGauge<double> _used;
    private readonly ObservableGauge<double> _max;
    private volatile IReadOnlyList<LimitUse> _snapshot = [];

    public LimitGauges(
        Func<CancellationToken, Task<IReadOnlyList<LimitUse>>> read, TimeProvider time, bool refreshInBackground = true)
    {
        _read = read;
        _used = GuardTelemetry.Meter.CreateObservableGauge(
            TelemetryNames.LimitUsed, () => Measure(u => u.Used), "{unit}", "Use of each limit in its window now (its most-used counter).");
        _max = GuardTelemetry.Meter.CreateObservableGauge(
            TelemetryNames.LimitMax, () => Measure(u => u.Max), "{unit}", "Each limit's max.");
        _loop = refreshInBackground ? RefreshAsync(time, _stop.Token) : Task.CompletedTask;
    }

    /// <summary>Each limit's use at the last refresh.</summary>
    public IReadOnlyList<LimitUse> Snapshot => _snapshot;

    /// <summary>
    /// Reads the store now (and then every <see cref="Interval"/>), for a caller that needs a fresh picture.
    /// </summary>
    public async Task RefreshNowAsync(CancellationToken cancellationToken) => _snapshot = await _read(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private IEnumerable<Measurement<double>> Measure(Func<LimitUse, double> value) =>
        _snapshot.Select(u => new Measurement<double>(value(u),
            new(TelemetryNames.EntryTag, u.Entry), new(TelemetryNames.KindTag, u.Kind), new("window", u.Window)));

    private async Task RefreshAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RefreshNowAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A store that does not answer keeps the last picture; calls report the store's trouble themselves.
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
