using System.Buffers.Binary;
using McpGuard.EndToEndTests.TestUtils;
using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// The guard's OTLP metric encoding, read back with the end-to-end tests' protobuf reader: an
/// <c>ExportMetricsServiceRequest</c> whose counters are cumulative monotonic sums, whose histograms carry their
/// buckets, bounds, count, sum, min and max, and whose points carry their labels as attributes, where the OTLP protos
/// put them. Instruments are process-wide and tests run in parallel, so each test reads only its own series.
/// </summary>
public sealed class OtlpMetricWriterTests
{
    private static readonly KeyValuePair<string, object>[] s_resource = [new("service.name", "mcpguard")];

    [Fact]
    public void Counter_CumulativeMonotonicSum_WithItsLabels()
    {
        using var aggregation = new MetricAggregation();
        var tool = "tool-" + Guid.NewGuid().ToString("N");

        GuardTelemetry.Decisions.Add(1, new LabelValues("deny", "default", tool));
        GuardTelemetry.Decisions.Add(2, new LabelValues("deny", "default", tool));

        var body = new ProtoMessage(Writer().Write(aggregation, [], now: 2_000));
        var scope = Assert.Single(Assert.Single(body.Messages(1)).Messages(2));
        Assert.Equal("McpGuard", scope.Message(1)!.String(1));
        var metric = Assert.Single(scope.Messages(2), m => m.String(1) == "mcpguard.decisions");
        Assert.Equal("{decision}", metric.String(3));
        var sum = metric.Message(7)!;
        Assert.Equal(2UL, sum.Scalar(2)); // cumulative
        Assert.Equal(1UL, sum.Scalar(3)); // monotonic
        var point = Assert.Single(sum.Messages(1), p => Attributes(p.Messages(7)).GetValueOrDefault("tool") == tool);
        Assert.Equal(3UL, point.Scalar(6));
        Assert.Equal(aggregation.StartedAt, (long)point.Scalar(2)!.Value);
        Assert.Equal(2_000UL, point.Scalar(3));
        Assert.Equal(
            ["decision=deny", "rule=default", $"tool={tool}"],
            Attributes(point.Messages(7)).Select(a => $"{a.Key}={a.Value}").Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A hidden or unknown tool's decision has no rule: its series has no <c>rule</c> attribute, not an empty one
    /// (docs/telemetry.md: a label without a value is left out; in OTLP an empty value is another series).
    /// </summary>
    [Fact]
    public void Decision_WithoutARule_HasNoRuleAttribute()
    {
        using var aggregation = new MetricAggregation();
        var spans = new McpGuard.Session.RequestSpans(
            new McpGuard.Session.RequestTable(), "pipe", "alice", McpGuard.Policy.Settings.TelemetryArguments.None);

        spans.Decided(
            McpGuard.Session.JsonRpcId.FromString("h1"), "call-h1", "secret_tool",
            McpGuard.Policy.Decide.CallVerdict.Hidden, ruleId: null, risk: null);

        var body = new ProtoMessage(Writer().Write(aggregation, [], now: 2_000));
        var metric = Assert.Single(body.Messages(1).Single().Messages(2).Single().Messages(2),
            m => m.String(1) == "mcpguard.decisions");
        var hidden = metric.Message(7)!.Messages(1).Select(p => Attributes(p.Messages(7)))
            .Where(a => a.GetValueOrDefault("decision") == "hidden").ToList();
        Assert.NotEmpty(hidden);
        Assert.All(hidden, a => Assert.False(a.ContainsKey("rule"), string.Join(", ", a)));
        Assert.All(hidden, a => Assert.Equal("(unknown)", a["tool"]));
    }

    [Fact]
    public void Histogram_BucketsBoundsCountSumMinMax_NullLabelsLeftOut()
    {
        using var aggregation = new MetricAggregation();
        var store = "store-" + Guid.NewGuid().ToString("N");

        GuardTelemetry.StoreDuration.Record(0.0002, new LabelValues(store, "count", null));
        GuardTelemetry.StoreDuration.Record(0.003, new LabelValues(store, "count", null));

        var body = new ProtoMessage(Writer().Write(aggregation, [], now: 2_000));
        var metric = Assert.Single(body.Messages(1).Single().Messages(2).Single().Messages(2),
            m => m.String(1) == "mcpguard.store.duration");
        Assert.Equal("s", metric.String(3));
        var histogram = metric.Message(9)!;
        Assert.Equal(2UL, histogram.Scalar(2));
        var point = Assert.Single(
            histogram.Messages(1), p => Attributes(p.Messages(9)).GetValueOrDefault("store") == store);
        Assert.False(Attributes(point.Messages(9)).ContainsKey("error.type"));
        Assert.Equal(2UL, point.Scalar(4));
        Assert.Equal(0.0032, BitConverter.UInt64BitsToDouble(point.Scalar(5)!.Value), 12);
        Assert.Equal(0.0002, BitConverter.UInt64BitsToDouble(point.Scalar(11)!.Value));
        Assert.Equal(0.003, BitConverter.UInt64BitsToDouble(point.Scalar(12)!.Value));
        var bounds = Fixed64s(point.Bytes(7)!).Select(BitConverter.UInt64BitsToDouble).ToList();
        var buckets = Fixed64s(point.Bytes(6)!).ToList();
        Assert.Equal(bounds.Count + 1, buckets.Count);
        Assert.Equal(1UL, buckets[bounds.IndexOf(0.00025)]);
        Assert.Equal(1UL, buckets[bounds.IndexOf(0.005)]);
        Assert.Equal(2UL, buckets.Aggregate(0UL, (a, b) => a + b));
    }

    [Fact]
    public void LimitGauges_DoublePoints_WithEntryKindWindow()
    {
        using var aggregation = new MetricAggregation();
        var entry = "entry-" + Guid.NewGuid().ToString("N");

        var body = new ProtoMessage(
            Writer().Write(aggregation, [new LimitUse(entry, "budget", "24h", 0.25, 0.5, null)], now: 2_000));

        var metrics = body.Messages(1).Single().Messages(2).Single().Messages(2).ToList();
        var used = Assert.Single(metrics, m => m.String(1) == "mcpguard.limit.used").Message(5)!;
        var point = Assert.Single(used.Messages(1));
        Assert.Equal(0.25, BitConverter.UInt64BitsToDouble(point.Scalar(4)!.Value));
        Assert.Equal($"{entry}/budget/24h", string.Join('/', Attributes(point.Messages(7)).Values));
        Assert.Contains(metrics, m => m.String(1) == "mcpguard.limit.max");
    }

    private static OtlpMetricWriter Writer() => new(s_resource, "McpGuard", "1.2.3");

    private static IEnumerable<ulong> Fixed64s(byte[] packed)
    {
        for (var i = 0; i < packed.Length; i += 8)
        {
            yield return BinaryPrimitives.ReadUInt64LittleEndian(packed.AsSpan(i));
        }
    }

    private static Dictionary<string, string> Attributes(IEnumerable<ProtoMessage> keyValues) =>
        keyValues.ToDictionary(kv => kv.String(1)!, kv => kv.Message(2)!.String(1) ?? "", StringComparer.Ordinal);
}
