using System.Collections.Concurrent;
using System.Net;
using McpGuard.Policy.Settings;
using McpGuard.Telemetry;
using McpGuard.Tests.TestUtils;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace McpGuard.Tests.Telemetry;

/// <summary>
/// The guard's exit with telemetry on: spans and metrics are flushed side by side, so a receiver that hangs holds the
/// exit for one export timeout rather than one per signal (docs/telemetry.md).
/// </summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public void Dispose_FlushesSpansAndMetricsTogether()
    {
        // Each post waits until the other signal's post is in flight too: flushed one after the other, the first
        // waits out its export timeout and fails, and the test sees a failed signal.
        var receiver = new PairingReceiver();
        var export = TelemetryExport.Start(
            new TelemetrySettings { Otlp = new Uri("http://127.0.0.1:4318") },
            name => name switch
            {
                "OTEL_EXPORTER_OTLP_TIMEOUT" => "5000",
                "OTEL_BSP_SCHEDULE_DELAY" or "OTEL_METRIC_EXPORT_INTERVAL" => "3600000",
                _ => null,
            },
            http: receiver)!;
        TelemetryExport.Traces!.Add(new RequestTrace("tools/call", "exit-test", startedAt: 1)
        {
            Traced = true, TraceIdHigh = 1, TraceIdLow = 2, ForwardedAt = 2, EndedAt = 3,
        });
        GuardTelemetry.Decisions.Add(1, new LabelValues("deny", "default", "exit-test"));

        export.Dispose();

        Assert.Equal(["/v1/metrics", "/v1/traces"], receiver.Answered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Dispose_ASpanPostInFlight_TheMetricsCountdownStartsAtExitToo()
    {
        // A collector that hangs, with a span post in flight at exit: the metrics' last export waits for that post to
        // end (the last durations are counted first), so its countdown must start at exit as the spans' does; started
        // only once that post ended, a hung collector held the exit for two export timeouts (docs/telemetry.md).
        var time = new ArmedTime();
        var receiver = new HangingReceiver();
        var export = TelemetryExport.Start(
            new TelemetrySettings { Otlp = new Uri("http://127.0.0.1:4318") },
            name => name switch
            {
                "OTEL_EXPORTER_OTLP_TIMEOUT" => "600000", // the HTTP client's own timeout never ends a post here
                "OTEL_BSP_SCHEDULE_DELAY" => "1",
                "OTEL_METRIC_EXPORT_INTERVAL" => "3600000",
                _ => null,
            },
            http: receiver,
            time: time)!;
        TelemetryExport.Traces!.Add(new RequestTrace("tools/call", "in-flight-test", startedAt: 1)
        {
            Traced = true, TraceIdHigh = 1, TraceIdLow = 2, ForwardedAt = 2, EndedAt = 3,
        });
        GuardTelemetry.Decisions.Add(1, new LabelValues("deny", "default", "in-flight-test"));
        Assert.True(receiver.SpansPosted.Wait(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));

        var disposing = Task.Run(export.Dispose, TestContext.Current.CancellationToken);

        Assert.True(SpinWait.SpinUntil(() => time.Armed == 2, TimeSpan.FromMinutes(1)), "both countdowns started");
        time.Advance(TimeSpan.FromMinutes(10));
        await disposing.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Dispose_TheLastMetricsCarryTheDurationsOfRequestsStillQueued()
    {
        // The spans' thread counts durations; at exit the metrics' last export must wait for it to count the rest.
        var receiver = new BodyReceiver();
        var export = TelemetryExport.Start(
            new TelemetrySettings { Otlp = new Uri("http://127.0.0.1:4318") },
            name => name is "OTEL_BSP_SCHEDULE_DELAY" or "OTEL_METRIC_EXPORT_INTERVAL" ? "3600000" : null,
            http: receiver)!;
        // Told apart by its error type: a method that MCP does not define is counted as _OTHER (MethodLabel).
        TelemetryExport.Traces!.Add(new RequestTrace("tools/call", null, startedAt: 1)
        {
            Traced = true, TraceIdHigh = 1, EndedAt = 3, ErrorType = "exit/queued-duration",
        });

        export.Dispose();

        var metrics = Assert.Single(receiver.Bodies, b => b.Path == "/v1/metrics").Body;
        Assert.True(metrics.AsSpan().IndexOf("exit/queued-duration"u8) >= 0);
    }

    [Theory]
    [InlineData("collector:4318")]
    [InlineData("ftp://127.0.0.1:4318")]
    public void Start_VariableThatIsNotAnHttpUrl_OffAndOneWarningWithoutTheValue(string value)
    {
        var logger = new CapturingLogger();

        var export = TelemetryExport.Start(
            new TelemetrySettings(), name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? value : null, logger);

        Assert.Null(export);
        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL", message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_NoEndpointAnywhere_OffWithoutAWord()
    {
        var logger = new CapturingLogger();

        Assert.Null(TelemetryExport.Start(new TelemetrySettings(), _ => null, logger));
        Assert.Empty(logger.Entries);
    }

    /// <summary>Holds every post until it is cancelled; says when the first span post is in flight.</summary>
    private sealed class HangingReceiver : HttpMessageHandler
    {
        public ManualResetEventSlim SpansPosted { get; } = new();

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath == "/v1/traces")
            {
                SpansPosted.Set();
            }

            cancellationToken.WaitHandle.WaitOne();
            throw new OperationCanceledException(cancellationToken);
        }

        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }

    /// <summary>A fake clock that counts the timers started on it (a countdown's <c>CancelAfter</c>).</summary>
    private sealed class ArmedTime : TimeProvider
    {
        private readonly FakeTimeProvider _inner = new();
        private int _armed;

        public int Armed => Volatile.Read(ref _armed);

        public override long TimestampFrequency => _inner.TimestampFrequency;

        public void Advance(TimeSpan by) => _inner.Advance(by);

        public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

        public override long GetTimestamp() => _inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Interlocked.Increment(ref _armed);
            }

            return new Watched(_inner.CreateTimer(callback, state, dueTime, period), this);
        }

        private sealed class Watched(ITimer inner, ArmedTime time) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Interlocked.Increment(ref time._armed);
                }

                return inner.Change(dueTime, period);
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>Answers a post only once two are in flight at the same time.</summary>
    private sealed class PairingReceiver : HttpMessageHandler
    {
        private readonly ManualResetEventSlim _both = new();
        private int _inFlight;

        public ConcurrentQueue<string> Answered { get; } = new();

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _inFlight) == 2)
            {
                _both.Set();
            }

            _both.Wait(cancellationToken);
            Answered.Enqueue(request.RequestUri!.AbsolutePath);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }

        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }

    private sealed class BodyReceiver : HttpMessageHandler
    {
        public ConcurrentQueue<(string Path, byte[] Body)> Bodies { get; } = new();

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var body = new MemoryStream();
            request.Content!.CopyTo(body, null, cancellationToken);
            Bodies.Enqueue((request.RequestUri!.AbsolutePath, body.ToArray()));
            return new HttpResponseMessage(HttpStatusCode.OK);
        }

        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }
}
