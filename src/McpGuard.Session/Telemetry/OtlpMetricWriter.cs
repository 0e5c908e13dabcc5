namespace McpGuard.Telemetry;

/// <summary>
/// Encodes the guard's metrics as one OTLP <c>ExportMetricsServiceRequest</c> (protobuf, as posted to
/// <c>/v1/metrics</c>) with <see cref="ProtoWriter"/>: the resource and scope the spans carry, then each instrument
/// with series as a cumulative monotonic sum (counters, <c>as_int</c>) or a cumulative explicit-bucket histogram (with
/// min and max), and the limit gauges. Runs on the metric export's thread only, every export interval.
/// </summary>
internal sealed class OtlpMetricWriter
{
    private const ulong Cumulative = 2; // AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE

    private readonly ProtoWriter _writer = new();
    private readonly byte[] _resource;
    private readonly byte[] _scope;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private long _start;
    private long _now;

    /// <param name="resource">The resource's attributes (<c>service.name</c>...), the same the spans carry.</param>
    public OtlpMetricWriter(IEnumerable<KeyValuePair<string, object>> resource, string scopeName, string? scopeVersion)
    {
        _resource = OtlpHeaders.Resource(resource);
        _scope = OtlpHeaders.Scope(scopeName, scopeVersion);
    }

    /// <summary>
    /// Every series of <paramref name="aggregation"/> and the limit gauges, as of <paramref name="now"/> (Unix
    /// nanoseconds); empty when there is nothing to send. The bytes are valid until the next call.
    /// </summary>
    public ArraySegment<byte> Write(MetricAggregation aggregation, IReadOnlyList<LimitUse> uses, long now)
    {
        var w = _writer;
        w.Reset();
        (_start, _now) = (aggregation.StartedAt, now);
        var resourceMetrics = w.Begin(0x0A); // ExportMetricsServiceRequest.resource_metrics
        w.Raw(_resource);
        var scopeMetrics = w.Begin(0x12); // ResourceMetrics.scope_metrics
        w.Raw(_scope);
        var any = false;
        foreach (var table in aggregation.Tables)
        {
            var series = table.Series;
            if (series.Count > 0)
            {
                any = true;
                Instrument(table.Instrument, series);
            }
        }

        if (uses.Count > 0)
        {
            any = true;
            Gauge(TelemetryNames.LimitUsed, LimitUseSources.UsedDescription, uses, u => u.Used);
            Gauge(TelemetryNames.LimitMax, LimitUseSources.MaxDescription, uses, u => u.Max);
        }

        w.End(scopeMetrics);
        w.End(resourceMetrics);
        return any ? w.Written : default;
    }

    private void Instrument(MetricInstrument instrument, ICollection<MetricSeries> series)
    {
        var w = _writer;
        var metric = Head(instrument.Name, instrument.Description, instrument.Unit);
        var data = w.Begin(instrument.IsHistogram ? (byte)0x4A : (byte)0x3A); // Metric.histogram / Metric.sum
        foreach (var one in series)
        {
            var point = w.Begin(0x0A); // data_points
            Attributes(instrument.IsHistogram ? (byte)0x4A : (byte)0x3A, instrument.Labels, one.Labels);
            Times();
            if (instrument.IsHistogram)
            {
                HistogramValues(one, instrument.Bounds!);
            }
            else
            {
                w.Byte(0x31); // NumberDataPoint.as_int, sfixed64
                w.Fixed64((ulong)one.Total);
            }

            w.End(point);
        }

        w.Byte(0x10); // aggregation_temporality
        w.Varint(Cumulative);
        if (!instrument.IsHistogram)
        {
            w.Byte(0x18); // Sum.is_monotonic
            w.Varint(1);
        }

        w.End(data);
        w.End(metric);
    }

    private void HistogramValues(MetricSeries series, double[] bounds)
    {
        var w = _writer;
        Span<long> buckets = stackalloc long[bounds.Length + 1];
        var count = series.ReadBuckets(buckets);
        w.Byte(0x21); // count, fixed64
        w.Fixed64((ulong)count);
        w.Byte(0x29); // sum, double
        w.Fixed64(BitConverter.DoubleToUInt64Bits(series.Sum));
        w.Byte(0x32); // bucket_counts, packed fixed64
        w.Varint((ulong)(8 * buckets.Length));
        foreach (var bucket in buckets)
        {
            w.Fixed64((ulong)bucket);
        }

        w.Byte(0x3A); // explicit_bounds, packed double
        w.Varint((ulong)(8 * bounds.Length));
        foreach (var bound in bounds)
        {
            w.Fixed64(BitConverter.DoubleToUInt64Bits(bound));
        }

        if (count > 0)
        {
            w.Byte(0x59); // min
            w.Fixed64(BitConverter.DoubleToUInt64Bits(series.Min));
            w.Byte(0x61); // max
            w.Fixed64(BitConverter.DoubleToUInt64Bits(series.Max));
        }
    }

    private void Gauge(string name, string description, IReadOnlyList<LimitUse> uses, Func<LimitUse, double> value)
    {
        var w = _writer;
        var metric = Head(name, description, LimitUseSources.Unit);
        var data = w.Begin(0x2A); // Metric.gauge
        foreach (var use in uses)
        {
            var point = w.Begin(0x0A);
            Attributes(0x3A, LimitUseSources.Labels, LimitUseSources.LabelsOf(use));
            Times();
            w.Byte(0x21); // NumberDataPoint.as_double
            w.Fixed64(BitConverter.DoubleToUInt64Bits(value(use)));
            w.End(point);
        }

        w.End(data);
        w.End(metric);
    }

    private int Head(string name, string description, string unit)
    {
        var metric = _writer.Begin(0x12); // ScopeMetrics.metrics
        _writer.String(0x0A, name);
        _writer.String(0x12, description);
        _writer.String(0x1A, unit);
        return metric;
    }

    private void Times()
    {
        _writer.Byte(0x11); // start_time_unix_nano, fixed64
        _writer.Fixed64((ulong)_start);
        _writer.Byte(0x19); // time_unix_nano
        _writer.Fixed64((ulong)_now);
    }

    /// <summary>The point's labels as attributes; a null value is an attribute the series does not carry.</summary>
    private void Attributes(byte tag, IReadOnlyList<string> names, LabelValues values)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (values[i] is { } value)
            {
                if (!_keys.TryGetValue(names[i], out var key))
                {
                    _keys[names[i]] = key = OtlpAttributes.Key(names[i]);
                }

                OtlpAttributes.String(_writer, tag, key, value);
            }
        }
    }
}
