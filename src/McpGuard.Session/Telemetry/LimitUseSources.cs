namespace McpGuard.Telemetry;

/// <summary>
/// The gauges <c>mcpguard.limit.used</c> and <c>mcpguard.limit.max</c> (labels <c>entry</c>, <c>kind</c>,
/// <c>window</c>): each live <see cref="LimitGauges"/> registers its snapshot here, and an export or a scrape reads
/// them all when it runs; nothing is read on a call's path (docs/telemetry.md).
/// </summary>
internal sealed class LimitUseSources
{
    public const string Unit = "{unit}";
    public const string UsedDescription = "Use of each limit in its window now (its most-used counter).";
    public const string MaxDescription = "Each limit's max.";

    /// <summary>The gauges' labels, in the order <see cref="LabelsOf"/> gives their values.</summary>
    public static readonly IReadOnlyList<string> Labels =
        [TelemetryNames.EntryTag, TelemetryNames.KindTag, TelemetryNames.WindowTag];

    private readonly Lock _gate = new();
    private Func<IReadOnlyList<LimitUse>>[] _sources = [];

    public IDisposable Register(Func<IReadOnlyList<LimitUse>> snapshot)
    {
        lock (_gate)
        {
            _sources = [.. _sources, snapshot];
        }

        return new Registration(this, snapshot);
    }

    /// <summary>Every registered snapshot's limits, now.</summary>
    public IReadOnlyList<LimitUse> Read()
    {
        Func<IReadOnlyList<LimitUse>>[] sources;
        lock (_gate)
        {
            sources = _sources;
        }

        return sources.Length == 1 ? sources[0]() : [.. sources.SelectMany(s => s())];
    }

    public static LabelValues LabelsOf(LimitUse use) => new(use.Entry, use.Kind, use.Window);

    private void Unregister(Func<IReadOnlyList<LimitUse>> snapshot)
    {
        lock (_gate)
        {
            _sources = [.. _sources.Where(s => s != snapshot)];
        }
    }

    private sealed class Registration(LimitUseSources sources, Func<IReadOnlyList<LimitUse>> snapshot) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                sources.Unregister(snapshot);
            }
        }
    }
}
