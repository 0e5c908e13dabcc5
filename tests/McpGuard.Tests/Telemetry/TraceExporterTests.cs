using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using McpGuard.EndToEndTests.TestUtils;
using McpGuard.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// The span queue and its thread, posting through an in-memory HTTP handler: a full batch is sent without waiting
/// for the schedule, disposing sends what is queued, a full queue drops (and counts) instead of blocking, and a
/// receiver's failure counts the batch as dropped.
/// </summary>
public sealed class TraceExporterTests
{
    private static readonly Uri s_endpoint = new("http://127.0.0.1:4318/v1/traces");

    [Fact]
    public void Dispose_SendsWhatIsQueued_AsProtobufWithTheHeaders()
    {
        var receiver = new Receiver();
        var exporter = Start(receiver, new() { Endpoint = s_endpoint, Headers = [new("x-team", "guards")] });

        exporter.Add(Request(forwarded: true));
        exporter.Add(Request(forwarded: false));
        Assert.Empty(receiver.Posts);
        exporter.Dispose();

        var post = Assert.Single(receiver.Posts);
        Assert.Equal(s_endpoint, post.Uri);
        Assert.Equal("application/x-protobuf", post.ContentType);
        Assert.Equal("guards", post.Team);
        Assert.Equal(3, SpanCount(post.Body));
        Assert.Equal(0, exporter.Dropped);
    }

    [Fact]
    public async Task FullBatch_SentWithoutWaitingForTheSchedule()
    {
        var receiver = new Receiver();
        using var exporter = Start(receiver, new() { Endpoint = s_endpoint, MaxBatchSize = 2 });

        exporter.Add(Request(forwarded: true));

        Assert.Equal(2, SpanCount(await receiver.FirstPost.Task.WaitAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task AfterAFullBatch_TheRestWaitsToFillTheNext_NotPostedAlone()
    {
        var receiver = new Receiver { Gate = new ManualResetEventSlim() };
        var exporter = Start(receiver, new() { Endpoint = s_endpoint, MaxBatchSize = 2 });

        exporter.Add(Request(forwarded: true)); // a full batch: the thread takes it and waits in the receiver
        await receiver.Entered.Task.WaitAsync(TestContext.Current.CancellationToken);
        exporter.Add(Request(forwarded: false)); // queued while the batch is posted: half a batch
        receiver.Gate.Set();
        exporter.Add(Request(forwarded: false)); // the next batch is full
        exporter.Dispose();

        Assert.Equal([2, 2], receiver.Posts.Select(p => SpanCount(p.Body)));
    }

    [Fact]
    public void Posts_FromAThreadBelowTheRelaysPriority()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "A thread's own nice value is Linux's.");
        var receiver = new Receiver();
        var exporter = Start(receiver, new() { Endpoint = s_endpoint });

        exporter.Add(Request(forwarded: true));
        exporter.Dispose();

        // Five below this thread's (the relay's, in the guard), as far as Linux's nice values go (19).
        Assert.Single(receiver.Posts);
        Assert.Equal(Math.Min(19, ThreadNice() + 5), receiver.PosterNice);
    }

    [Fact]
    public void SentRecord_ReusedForTheNextRequest_WithNothingOfTheOld()
    {
        var exporter = Start(new Receiver(), new() { Endpoint = s_endpoint });
        var sent = exporter.Rent("tools/call", "echo", startedAt: 1);
        (sent.Traced, sent.ForwardedAt, sent.EndedAt, sent.Session) = (true, 2, 3, new("stdio", "stdio", "s", "a"));
        sent.SetId("1"u8);
        (sent.Sender, sent.ServerSessionId, sent.ProtocolVersion, sent.TraceIdHigh, sent.TraceIdLow) =
            ("b", "u", "v", 1, 2);
        (sent.Parent, sent.Arguments, sent.Decision, sent.Rule, sent.Risk) = (Parent(), "{}", "deny", "r", "high");
        (sent.Channel, sent.Redactions, sent.ErrorType) = ("desk", 2, "tool_error");
        exporter.Add(sent);
        exporter.Dispose();

        var next = exporter.Rent("ping", null, startedAt: 7);

        Assert.Same(sent, next);
        var fresh = new RequestTrace("ping", null, startedAt: 7);
        foreach (var property in typeof(RequestTrace).GetProperties())
        {
            Assert.Equal(property.GetValue(fresh), property.GetValue(next)); // a field Reuse forgot fails here
        }

        Assert.True(next.IdBytes().IsEmpty);

        Assert.NotSame(next, exporter.Rent("ping", null, startedAt: 8)); // none is free now: a new one
    }

    [Fact]
    public void SentRecords_EachRentedOnce_ThenNewOnes()
    {
        // The records come back to the relay's threads in chunks (TraceExporter.Free): a chunk's last record and the
        // next chunk's first, and a thread that already rents from another exporter's chunk, each get their own.
        var other = Start(new Receiver(), new() { Endpoint = s_endpoint });
        other.Add(Request(forwarded: true));
        other.Add(Request(forwarded: true));
        other.Dispose();
        other.Rent("ping", null, startedAt: 2); // this thread now rents from the other exporter's chunk, one left
        var exporter = Start(new Receiver(), new() { Endpoint = s_endpoint });
        var sent = Enumerable.Range(0, 150).Select(_ => Request(forwarded: true)).ToList();
        sent.ForEach(exporter.Add);
        exporter.Dispose();

        var rented = Enumerable.Range(0, 150).Select(i => exporter.Rent("ping", null, startedAt: i)).ToList();

        Assert.Equal(150, rented.Distinct().Count());
        Assert.All(rented, r => Assert.Contains(r, sent));
        Assert.DoesNotContain(exporter.Rent("ping", null, startedAt: 150), sent); // none is free now: a new one
    }

    [Fact]
    public async Task FullQueue_DropsAndCounts_NeverBlocks()
    {
        var receiver = new Receiver { Gate = new ManualResetEventSlim() };
        var exporter = Start(receiver, new() { Endpoint = s_endpoint, MaxBatchSize = 2, MaxQueueSize = 4 });

        exporter.Add(Request(forwarded: true)); // a full batch: the thread takes it and waits in the receiver
        await receiver.Entered.Task.WaitAsync(TestContext.Current.CancellationToken);
        exporter.Add(Request(forwarded: true));
        exporter.Add(Request(forwarded: true)); // the queue holds 4 spans
        exporter.Add(Request(forwarded: true)); // 2 more: dropped
        exporter.Add(Request(forwarded: false)); // 1 more: dropped
        Assert.Equal(3, exporter.Dropped);
        receiver.Gate.Set();
        exporter.Dispose();

        Assert.Equal(6, receiver.Posts.Sum(p => SpanCount(p.Body)));
        Assert.Equal(3, exporter.Dropped);
    }

    [Fact]
    public async Task Durations_CountedByTheExporter_BeforeItPosts_DroppedSpansToo()
    {
        using var metrics = new MetricAggregation();
        var receiver = new Receiver { Gate = new ManualResetEventSlim() };
        var exporter = Start(receiver, new() { Endpoint = s_endpoint, MaxBatchSize = 2, MaxQueueSize = 2 });
        var second = Stopwatch.Frequency;

        exporter.Add(Timed("durations/sent", endedAt: second / 100)); // 10 ms
        exporter.Add(Timed("durations/sent", endedAt: 3 * second)); // a full batch: taken, posted, held in the receiver
        await receiver.Entered.Task.WaitAsync(TestContext.Current.CancellationToken);
        var sent = Series(metrics, "durations/sent");
        exporter.Add(Timed("durations/later", endedAt: second));
        exporter.Add(Timed("durations/later", endedAt: second)); // the queue is full
        exporter.Add(Timed("durations/dropped", endedAt: second / 10));
        receiver.Gate.Set();
        exporter.Dispose();

        Span<long> buckets = stackalloc long[GuardTelemetry.OperationDuration.Bounds!.Length + 1];
        Assert.Equal(2, sent.ReadBuckets(buckets)); // counted before the post that waited
        Assert.Equal((3.01, 0.01, 3.0), (Math.Round(sent.Sum, 6), sent.Min, sent.Max));
        Assert.Equal(2, Series(metrics, "durations/later").ReadBuckets(buckets));
        Assert.Equal(1, Series(metrics, "durations/dropped").ReadBuckets(buckets));
        Assert.Equal(1, exporter.Dropped);
    }

    [Fact]
    public void CountQueued_AScrapeSeesTheDurationsStillQueued_CountedOnce_SpansPostedLater()
    {
        // serve's /metrics with OTLP on: the schedule (an hour here) would count this duration only with its batch.
        using var metrics = new MetricAggregation();
        var receiver = new Receiver();
        var exporter = Start(receiver, new() { Endpoint = s_endpoint });
        exporter.Add(Timed("durations/scraped", endedAt: Stopwatch.Frequency / 100));
        Span<long> buckets = stackalloc long[GuardTelemetry.OperationDuration.Bounds!.Length + 1];

        Assert.True(exporter.CountQueued(TimeSpan.FromSeconds(30)));

        var scraped = Series(metrics, "durations/scraped");
        Assert.Equal(1, scraped.ReadBuckets(buckets));
        Assert.Empty(receiver.Posts); // counting posts nothing
        exporter.Add(Timed("durations/scraped", endedAt: Stopwatch.Frequency / 100));
        exporter.Dispose();
        Assert.Equal(2, scraped.ReadBuckets(buckets)); // the first not counted again
        Assert.Equal(2, SpanCount(Assert.Single(receiver.Posts).Body));
    }

    /// <summary>
    /// A decision the relay left on its record is counted by the exporter with the record's duration: for a scrape
    /// while it is queued, once; for a record the full queue dropped, at once.
    /// </summary>
    [Fact]
    public void Decisions_LeftOnTheRecords_CountedForAScrape_Once_DroppedOnesToo()
    {
        using var metrics = new MetricAggregation();
        var receiver = new Receiver();
        var exporter = Start(receiver, new() { Endpoint = s_endpoint, MaxBatchSize = 4, MaxQueueSize = 2 });
        var tool = "exporter-" + Guid.NewGuid().ToString("N");
        var decisions = metrics.Tables.Single(t => t.Instrument == GuardTelemetry.Decisions);
        long Counted(string decision) =>
            decisions.Series.SingleOrDefault(s => s.Labels.First == decision && s.Labels.Third == tool)?.Total ?? 0;

        exporter.Add(Decided(tool, "allow"));
        exporter.Add(Decided(tool, "allow"));
        exporter.Add(Decided(tool, "deny")); // the queue is full: dropped
        Assert.Equal((0, 1), (Counted("allow"), Counted("deny")));
        Assert.True(exporter.CountQueued(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, Counted("allow"));
        exporter.Dispose();

        Assert.Equal((2, 1), (Counted("allow"), Counted("deny")));
        Assert.Equal(2, SpanCount(Assert.Single(receiver.Posts).Body));
    }

    [Fact]
    public void Durations_AMethodMcpDoesNotDefine_CountedAsOther_NotASeriesOfItsOwn()
    {
        // The client picks the method: as a label of its own, one agent sending 10,000 made-up methods filled the
        // guard's series (all instruments together, docs/telemetry.md#metrics) and every decision, refusal and
        // approval counted for a new label set after that was dropped.
        using var metrics = new MetricAggregation();
        var receiver = new Receiver();
        var exporter = Start(receiver, new() { Endpoint = s_endpoint });
        var errorType = "durations/" + Guid.NewGuid().ToString("N");
        var madeUp = "made-up/" + Guid.NewGuid().ToString("N");

        exporter.Add(Timed(errorType, endedAt: 1, method: madeUp));
        exporter.Add(Timed(errorType, endedAt: 1, method: madeUp + "/2"));
        exporter.Add(Timed(errorType, endedAt: 1, method: "resources/read"));
        exporter.Dispose();

        var series = metrics.Tables[0].Series.Where(s => s.Labels.Second == errorType).ToList();
        Span<long> buckets = stackalloc long[GuardTelemetry.OperationDuration.Bounds!.Length + 1];
        Assert.Equal(2, series.Single(s => s.Labels.First == "_OTHER").ReadBuckets(buckets));
        Assert.Equal(1, series.Single(s => s.Labels.First == "resources/read").ReadBuckets(buckets));
        Assert.Equal(2, series.Count);
    }

    [Fact]
    public void Durations_MethodsAndErrorsInTurn_EachInItsOwnSeries_AnEqualStringInTheSame()
    {
        // The export thread goes straight to the last series while a request's method and error type are the last
        // one's instances: a change of either, or an equal string of another instance, must still find its own.
        using var metrics = new MetricAggregation();
        var receiver = new Receiver();
        var exporter = Start(receiver, new() { Endpoint = s_endpoint });
        var first = "durations/" + Guid.NewGuid().ToString("N");
        var second = "durations/" + Guid.NewGuid().ToString("N");
        var firstAgain = new string(first.AsSpan()); // equal, not the same instance

        exporter.Add(Timed(first, endedAt: 1));
        exporter.Add(Timed(first, endedAt: 1));
        exporter.Add(Timed(second, endedAt: 1));
        exporter.Add(Timed(first, endedAt: 1, method: "ping"));
        exporter.Add(Timed(firstAgain, endedAt: 1));
        exporter.Add(Timed(first, endedAt: 1, method: new string("tools/call".AsSpan())));
        exporter.Add(Timed(second, endedAt: 1, method: "ping"));
        exporter.Dispose();

        var buckets = new long[GuardTelemetry.OperationDuration.Bounds!.Length + 1];
        long Count(string method, string errorType) => metrics.Tables[0].Series
            .Single(s => s.Labels.First == method && s.Labels.Second == errorType).ReadBuckets(buckets);
        Assert.Equal((4, 1, 1, 1), (Count("tools/call", first), Count("tools/call", second), Count("ping", first),
            Count("ping", second)));
    }

    [Fact]
    public void ReceiverFails_TheBatchIsDroppedAndCounted()
    {
        var receiver = new Receiver { Status = HttpStatusCode.ServiceUnavailable };
        var exporter = Start(receiver, new() { Endpoint = s_endpoint });

        exporter.Add(Request(forwarded: true));
        exporter.Dispose();

        Assert.Single(receiver.Posts);
        Assert.Equal(2, exporter.Dropped);
    }

    /// <summary>The calling thread's nice value: field 19 of <c>/proc/thread-self/stat</c>, after the name.</summary>
    private static int ThreadNice()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static TraceExporter Start(Receiver receiver, TraceExportOptions options) => TraceExporter.Start(
        options with { ScheduleDelay = TimeSpan.FromHours(1) },
        TraceSampler.Default,
        new OtlpSpanWriter([new("service.name", "mcpguard")], "McpGuard", null),
        NullLogger.Instance,
        receiver);

    private static RequestTrace Request(bool forwarded) => new("tools/call", "echo", startedAt: 1)
    {
        Traced = true, TraceIdHigh = 1, TraceIdLow = 2, ForwardedAt = forwarded ? 2 : 0, EndedAt = 3,
    };

    /// <summary>
    /// A tools/call answered after <paramref name="endedAt"/> ticks, with an error type of the test's own: the meter is
    /// process-wide, so tests running in parallel keep to their own series by it (a method is one of MCP's or
    /// <c>_OTHER</c>, so a method name of its own would not set a test's series apart).
    /// </summary>
    private static RequestTrace Timed(string errorType, long endedAt, string method = "tools/call") =>
        new(method, null, startedAt: 0) { Traced = true, TraceIdHigh = 1, EndedAt = endedAt, ErrorType = errorType };

    private static RequestTrace Decided(string tool, string decision) => new("tools/call", tool, startedAt: 0)
    {
        Traced = true, TraceIdHigh = 1, EndedAt = 1, Decision = decision, Rule = "default", DecisionUncounted = true,
    };

    private static MetricSeries Series(MetricAggregation metrics, string errorType) =>
        metrics.Tables[0].Series.Single(s => s.Labels.Second == errorType);

    private static TraceParent Parent() =>
        TraceParent.Parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "k=v");

    private static int SpanCount(byte[] body) =>
        new ProtoMessage(body).Messages(1).Single().Messages(2).Single().Messages(2).Count();

    private sealed record Post(Uri Uri, string? ContentType, string? Team, byte[] Body);

    /// <summary>An OTLP receiver in memory: the exporter's thread posts synchronously, to <c>Send</c>.</summary>
    private sealed class Receiver : HttpMessageHandler
    {
        public ConcurrentQueue<Post> Posts { get; } = new();

        public TaskCompletionSource<byte[]> FirstPost { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>When set, a post waits for it (the exporter is busy while a test fills the queue).</summary>
        public ManualResetEventSlim? Gate { get; init; }

        public HttpStatusCode Status { get; init; } = HttpStatusCode.OK;

        /// <summary>The nice value of the thread that made the last post (Linux only).</summary>
        public int? PosterNice { get; private set; }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            PosterNice = OperatingSystem.IsLinux() ? ThreadNice() : null;
            Entered.TrySetResult();
            Gate?.Wait(cancellationToken);
            using var body = new MemoryStream();
            request.Content!.CopyTo(body, null, cancellationToken);
            var team = request.Headers.TryGetValues("x-team", out var values) ? values.Single() : null;
            var type = request.Content.Headers.ContentType?.MediaType;
            Posts.Enqueue(new Post(request.RequestUri!, type, team, body.ToArray()));
            FirstPost.TrySetResult(body.ToArray());
            return new HttpResponseMessage(Status);
        }

        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }
}
