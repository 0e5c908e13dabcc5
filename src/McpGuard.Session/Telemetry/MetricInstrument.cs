namespace McpGuard.Telemetry;

/// <summary>
/// One of the guard's metrics (docs/telemetry.md): a counter or an explicit-bucket histogram with up to three
/// labels. A measurement goes to every <see cref="MetricAggregation"/> attached (normally one, none while telemetry is
/// off: then it costs one array-length check) and to the observers (the desk's decisions per minute). The caller
/// passes the label values in <see cref="Labels"/>' order; the series they name is found by a one-entry cache before
/// any hashing, so a run of calls to one tool costs a few string compares and one interlocked add per measurement.
/// </summary>
internal sealed class MetricInstrument
{
    private readonly Lock _gate = new();
    private MetricTable[] _tables = [];
    private Action<LabelValues, long>[] _observers = [];

    /// <param name="bounds">A histogram's bucket bounds; null for a counter.</param>
    public MetricInstrument(string name, string unit, string description, double[]? bounds, params string[] labels)
    {
        Name = name;
        Unit = unit;
        Description = description;
        Bounds = bounds;
        Labels = labels;
    }

    public string Name { get; }

    public string Unit { get; }

    public string Description { get; }

    public double[]? Bounds { get; }

    public bool IsHistogram => Bounds is not null;

    public IReadOnlyList<string> Labels { get; }

    /// <summary>True while an aggregation or an observer listens.</summary>
    public bool Enabled => Volatile.Read(ref _tables).Length > 0 || Volatile.Read(ref _observers).Length > 0;

    public void Add(long value, in LabelValues labels)
    {
        foreach (var table in Volatile.Read(ref _tables))
        {
            table.Find(labels)?.Add(value);
        }

        var observers = Volatile.Read(ref _observers);
        if (observers.Length > 0)
        {
            Notify(observers, labels, value);
        }
    }

    public void Record(double value, in LabelValues labels)
    {
        foreach (var table in Volatile.Read(ref _tables))
        {
            table.Find(labels)?.Record(value);
        }
    }

    /// <summary>A histogram's measurements one thread gathered (<see cref="DurationBatch"/>), added at once.</summary>
    public void Merge(HistogramPart part)
    {
        foreach (var table in Volatile.Read(ref _tables))
        {
            table.Find(part.Labels)?.Merge(part);
        }
    }

    /// <summary>By label name, in any order; a name the instrument does not have is ignored (tests).</summary>
    public void Add(long value, params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Add(value, ByName(tags));
    }

    /// <inheritdoc cref="Add(long, ReadOnlySpan{KeyValuePair{string, object}})"/>
    public void Record(double value, params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Record(value, ByName(tags));
    }

    /// <summary>Calls <paramref name="observer"/> with each measurement until the result is disposed.</summary>
    public IDisposable Observe(Action<LabelValues, long> observer)
    {
        Swap(ref _observers, o => [.. o, observer]);
        return new Subscription(() => Swap(ref _observers, o => [.. o.Where(x => x != observer)]));
    }

    /// <summary>Attaches a table of series: measurements from now on go to it too.</summary>
    public void Attach(MetricTable table) => Swap(ref _tables, t => [.. t, table]);

    public void Detach(MetricTable table) => Swap(ref _tables, t => [.. t.Where(x => x != table)]);

    private LabelValues ByName(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Span<string?> values = [null, null, null];
        foreach (var (name, value) in tags)
        {
            for (var i = 0; i < Labels.Count; i++)
            {
                if (Labels[i] == name)
                {
                    values[i] = value?.ToString();
                }
            }
        }

        return new LabelValues(values[0], values[1], values[2]);
    }

    private static void Notify(Action<LabelValues, long>[] observers, LabelValues labels, long value)
    {
        foreach (var observer in observers)
        {
            observer(labels, value);
        }
    }

    private void Swap<T>(ref T[] field, Func<T[], T[]> change)
    {
        lock (_gate)
        {
            Volatile.Write(ref field, change(field));
        }
    }

    private sealed class Subscription(Action detach) : IDisposable
    {
        private Action? _detach = detach;

        public void Dispose() => Interlocked.Exchange(ref _detach, null)?.Invoke();
    }
}
