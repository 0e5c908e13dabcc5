namespace McpGuard.Telemetry;

/// <summary>
/// <c>mcpguard.limit.used</c> and <c>mcpguard.limit.max</c>: how close each limit is to its max. An export or a
/// scrape reads the gauges on its own thread (<see cref="LimitUseSources"/>), so they read a snapshot that a
/// background loop refreshes from the counter store every <see cref="Interval"/> — never a store read on a call's
/// path (docs/telemetry.md). While the store does not answer, the gauges show no limit (a dashboard sees a gap, not
/// the last picture as if it were now). The desk page shows <see cref="Snapshot"/>, the last picture read
/// (DeskReporter.cs); with telemetry off the reporter refreshes it just before it reports, so no loop reads the store
/// while no desk is there to look.
/// </summary>
internal sealed class LimitGauges : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly Func<CancellationToken, Task<IReadOnlyList<LimitUse>>> _read;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly IDisposable _registration;
    private volatile IReadOnlyList<LimitUse> _snapshot = [];

    /// <summary>The last read failed: the gauges show nothing until one succeeds.</summary>
    private volatile bool _unread;

    public LimitGauges(
        Func<CancellationToken, Task<IReadOnlyList<LimitUse>>> read, TimeProvider time, bool refreshInBackground = true)
    {
        _read = read;
        _registration = GuardTelemetry.LimitUses.Register(() => _unread ? [] : _snapshot);
        _loop = refreshInBackground ? RefreshAsync(time, _stop.Token) : Task.CompletedTask;
    }

    /// <summary>Each limit's use at the last refresh.</summary>
    public IReadOnlyList<LimitUse> Snapshot => _snapshot;

    /// <summary>
    /// Reads the store now (and then every <see cref="Interval"/>), for a caller that needs a fresh picture. A read
    /// that fails leaves <see cref="Snapshot"/> as it was, and the gauges empty until a read succeeds.
    /// </summary>
    public async Task RefreshNowAsync(CancellationToken cancellationToken)
    {
        try
        {
            _snapshot = await _read(cancellationToken);
            _unread = false;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _unread = true;
            throw;
        }
    }

    /// <summary>
    /// Stops the background refresh but keeps the gauges registered with their last picture, so the exporter's last
    /// post on exit still carries them (a guard that lives less than an export interval posts only then).
    /// </summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _registration.Dispose();
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RefreshAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        // The first read runs on the thread pool, not inside the constructor on the guard's start-up path: opening
        // the SQLite store's reader while its writer sets up waited 20-30 ms there (bench/HISTORY.md).
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RefreshNowAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The gauges show nothing until the store answers; calls report the store's trouble themselves.
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
