using McpGuard.Policy;
using McpGuard.Policy.Limits;
using McpGuard.State;
using McpGuard.Telemetry;
using Microsoft.Extensions.Logging;

namespace McpGuard.Cli;

/// <summary>
/// What <c>run</c> and <c>serve</c> build before their first session, in one place: telemetry when it is configured
/// (the OTLP exporter; for <c>serve</c> also the Prometheus scrape), the counter store (timed only while telemetry is
/// on), the engine and the limit gauges, and the approval desk's picture of this guard when the policy's approval
/// channels name the desk. Declared before the sessions, so it is disposed after them: the reporter and the gauges
/// stop (the gauges read the store once more), the store closes, then the exporter flushes the whole run, the gauges
/// included (docs/telemetry.md, docs/approval.md#the-picture).
/// </summary>
internal sealed class GuardRuntime : IAsyncDisposable
{
    private readonly TelemetryExport? _export;
    private readonly ICounterStore _counters;
    private readonly LimitGauges? _gauges;
    private readonly DeskReporter? _desk;

    private GuardRuntime(
        PolicyEngine engine,
        ICounterStore counters,
        TelemetryExport? export,
        PrometheusMetrics? metrics,
        LimitGauges? gauges,
        DeskReporter? desk)
    {
        Engine = engine;
        Metrics = metrics;
        _counters = counters;
        _export = export;
        _gauges = gauges;
        _desk = desk;
    }

    public PolicyEngine Engine { get; }

    /// <summary>
    /// The scrape of <c>GET /metrics</c>: set only for <c>serve</c> with <c>telemetry.prometheus</c>.
    /// </summary>
    public PrometheusMetrics? Metrics { get; }

    /// <param name="scrape">True for <c>serve</c>, whose listener can answer <c>/metrics</c>.</param>
    /// <param name="serverName">The server as the desk page names it (the config's name, else the command).</param>
    public static async Task<GuardRuntime> StartAsync(
        CompiledPolicy policy, bool scrape, string serverName, ILoggerFactory loggerFactory)
    {
        var export = TelemetryExport.Start(
            policy.Telemetry, Environment.GetEnvironmentVariable, loggerFactory.CreateLogger("McpGuard.Telemetry"));
        var metrics = scrape && policy.Telemetry.Prometheus ? new PrometheusMetrics(export?.Metrics) : null;
        var observed = export is not null || metrics is not null;
        var opened = await CounterStores.OpenAsync(policy.State, loggerFactory.CreateLogger("McpGuard.State"));
        var counters = observed
            ? new TimedCounterStore(opened, policy.State.Store.ToString().ToLowerInvariant())
            : opened;
        var engine = new PolicyEngine(policy, counters: counters);
        var desk = policy.Approval.Channels.Contains("desk");
        var gauges = observed || desk
            ? new LimitGauges(
                ct => LimitUses.ReadAsync(engine, counters, TimeProvider.System, ct),
                TimeProvider.System,
                refreshInBackground: observed)
            : null;
        var reporter = desk
            ? new DeskReporter(serverName, gauges!, TimeProvider.System, loggerFactory.CreateLogger<DeskReporter>())
            : null;
        return new GuardRuntime(engine, counters, export, metrics, gauges, reporter);
    }

    public async ValueTask DisposeAsync()
    {
        if (_desk is not null)
        {
            await _desk.DisposeAsync();
        }

        if (_gauges is not null)
        {
            await _gauges.StopAsync();
            if (_export is not null)
            {
                await FinalGaugeReadAsync(_gauges);
            }
        }

        if (_counters is IAsyncDisposable store)
        {
            await store.DisposeAsync();
        }

        Metrics?.Dispose();
        _export?.Dispose();
        if (_gauges is not null)
        {
            // Only now: the export's last post above reads the gauges, the only post of a guard that lived less
            // than an export interval.
            await _gauges.DisposeAsync();
        }
    }

    /// <summary>
    /// The limits' use as the guard ends, for the export's last post: read once more while the store is open, for a
    /// second at most (a store that does not answer leaves the gauges without series, as while the guard ran).
    /// </summary>
    private static async Task FinalGaugeReadAsync(LimitGauges gauges)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await gauges.RefreshNowAsync(bound.Token);
        }
        catch (Exception)
        {
            // The store's trouble was reported while the guard ran; the exit says nothing more.
        }
    }
}
