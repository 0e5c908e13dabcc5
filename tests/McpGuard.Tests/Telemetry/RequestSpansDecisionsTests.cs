using System.Collections.Concurrent;
using System.Text.Json;
using McpGuard.Policy.Decide;
using McpGuard.Policy.Settings;
using McpGuard.Session;
using McpGuard.Telemetry;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// Where a traced call's <c>mcpguard.decisions</c> is counted (docs/telemetry.md): a decision after which the call is
/// forwarded or answered at once is left on its record for the exporter, when the exporter counts decisions; one that
/// holds the call for a person is counted as it is made; a decision overwritten (decided again) or on a record nobody
/// will answer (the session ended) is counted on the spot. Every decision once. The counter is process-wide, so each
/// test keeps to a tool name of its own.
/// </summary>
public sealed class RequestSpansDecisionsTests
{
    private readonly CountingSink _sink = new();
    private readonly RequestTable _table = new();
    private readonly string _tool = "spans-" + Guid.NewGuid().ToString("N");

    [Fact]
    public void AllowedCall_DecisionLeftOnItsRecord_CountedByTheExporterOnly()
    {
        using var metrics = new MetricAggregation();
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("d1");

        var tool = Start(spans, id);
        spans.Decided(id, "call-1", tool, CallVerdict.Allow, "default", "read");
        spans.Answered(Take(id), isError: false, errorCode: null);

        var trace = Assert.Single(_sink.Added);
        Assert.True(trace.DecisionUncounted);
        Assert.Equal(("allow", "default", "read"), (trace.Decision, trace.Rule, trace.Risk));
        Assert.Empty(Series(metrics)); // not counted on the relay's thread
        var batch = new DecisionBatch(GuardTelemetry.Decisions);
        batch.Add(trace);
        batch.Flush();
        Assert.Equal(1, Count(metrics, "allow"));
    }

    [Fact]
    public void ASinkThatDoesNotCountDecisions_TheRelayCountsThem()
    {
        using var metrics = new MetricAggregation();
        var sink = new CountingSink { CountsDecisions = false };
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: sink);
        var id = JsonRpcId.FromString("d2");

        spans.Decided(id, "call-1", Start(spans, id), CallVerdict.Allow, "default", "read");

        Assert.Equal(1, Count(metrics, "allow"));
        spans.Answered(Take(id), isError: false, errorCode: null);
        Assert.False(Assert.Single(sink.Added).DecisionUncounted);
    }

    /// <summary>A call held for a person: its require_approval is seen while it waits, its answer with its approval.
    /// </summary>
    [Fact]
    public void HeldThenApproved_BothCountedAsTheyAreMade()
    {
        using var metrics = new MetricAggregation();
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("d3");

        var tool = Start(spans, id);
        spans.Decided(id, "call-3", tool, CallVerdict.RequireApproval, _tool, "write");
        Assert.Equal(1, Count(metrics, "require_approval", _tool));
        spans.Asked("call-3", "desk");
        spans.Decided(id, "call-3", tool, CallVerdict.Approved, _tool, "write");
        spans.Answered(Take(id), isError: false, errorCode: null);

        Assert.Equal(1, Count(metrics, "approved", _tool));
        var trace = Assert.Single(_sink.Added);
        Assert.False(trace.DecisionUncounted);
        Assert.Equal(("approved", "desk"), (trace.Decision, trace.Channel));
    }

    [Fact]
    public void DecidedAgain_TheDecisionLeftOnTheRecordCountedFirst()
    {
        using var metrics = new MetricAggregation();
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("d4");

        var tool = Start(spans, id);
        spans.Decided(id, "call-4", tool, CallVerdict.Allow, "default", "read");
        spans.Decided(id, "call-4", tool, CallVerdict.Deny, _tool, "read");
        spans.Answered(Take(id), isError: true, errorCode: null);

        Assert.Equal(1, Count(metrics, "allow"));
        var trace = Assert.Single(_sink.Added);
        Assert.True(trace.DecisionUncounted);
        Assert.Equal(("deny", _tool), (trace.Decision, trace.Rule));
        Assert.DoesNotContain(Series(metrics), s => s.Labels.First == "deny");
    }

    /// <summary>
    /// The session ended with the call still unanswered (its client gone, so the guard could not answer it): its
    /// record never reaches the exporter, and its decision is counted as the session ends.
    /// </summary>
    [Fact]
    public void SessionEnded_ADecisionLeftOnARecordNobodyAnswered_CountedThen()
    {
        using var metrics = new MetricAggregation();
        var spans = new RequestSpans(_table, "pipe", "alice", TelemetryArguments.None, traces: _sink);
        var id = JsonRpcId.FromString("d5");

        spans.Decided(id, "call-5", Start(spans, id), CallVerdict.Allow, "default", "read");
        Assert.Single(_table.Drain()); // the session's end takes it out; its answer could not be sent
        Assert.Empty(Series(metrics));

        spans.Ended();
        spans.Ended();

        Assert.Equal(1, Count(metrics, "allow"));
        Assert.Empty(_sink.Added);
        Assert.False(spans.AnyUnanswered);
    }

    /// <summary>Starts a tools/call of this test's tool; returns the tool name as the gate gets it.</summary>
    private string Start(RequestSpans spans, JsonRpcId id)
    {
        var pending = new PendingRequest(id, "tools/call");
        Assert.True(_table.TryAdd(pending));
        using var parameters = JsonDocument.Parse("{\"name\":\"" + _tool + "\",\"arguments\":{}}");
        return spans.Started(pending, parameters.RootElement)!.Value.Name;
    }

    private PendingRequest Take(JsonRpcId id)
    {
        Assert.True(_table.TryTake(id, out var pending));
        return pending;
    }

    private List<MetricSeries> Series(MetricAggregation metrics) =>
        [.. metrics.Tables.Single(t => t.Instrument == GuardTelemetry.Decisions).Series
            .Where(s => s.Labels.Third == _tool)];

    private long Count(MetricAggregation metrics, string decision, string rule = "default") =>
        Series(metrics).Single(s => s.Labels.First == decision && s.Labels.Second == rule).Total;

    private sealed class CountingSink : ITraceSink
    {
        public ConcurrentQueue<RequestTrace> Added { get; } = new();

        public TraceSampler Sampler => TraceSampler.Default;

        public bool CountsDecisions { get; init; } = true;

        public void Add(RequestTrace trace) => Added.Enqueue(trace);
    }
}
