using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace McpGuard.Telemetry;

/// <summary>
/// The guard's span pipeline (docs/telemetry.md): answered requests wait in a bounded queue, and one background
/// thread counts their durations and decisions (<see cref="DurationBatch"/>, <see cref="DecisionBatch"/>), encodes
/// them in batches (<see cref="OtlpSpanWriter"/>) and posts them to <c>/v1/traces</c>. The relay's only work is
/// <see cref="Add"/>, which never blocks: past <see cref="TraceExportOptions.MaxQueueSize"/> spans are dropped and
/// counted. The thread wakes when a batch is full or the schedule delay passes; disposing sends what is queued
/// (within the export timeout) and stops it.
/// Hand-written, not the OpenTelemetry SDK's tracer: the SDK's per-span objects, sampler, processors and exporter
/// cost more than the whole 10 % budget (bench/HISTORY.md).
/// </summary>
internal sealed partial class TraceExporter : ITraceSink, IDisposable
{
    /// <summary>Records handed back to the relay's threads together (<see cref="Free"/>).</summary>
    private const int FreeChunk = 64;

    private readonly ConcurrentQueue<RequestTrace> _queue = new();
    /// <summary>
    /// Sent records, free for new requests, a batch's worth at a time in chunks of <see cref="FreeChunk"/>: one
    /// interlocked operation on each side per chunk, not per record (a record's own enqueue and dequeue were two of
    /// the call's locked operations, each on a queue slot the other core wrote last; bench/HISTORY.md).
    /// </summary>
    private readonly ConcurrentQueue<RequestTrace[]> _free = new();

    /// <summary>Records in <see cref="_free"/>'s chunks: at most a full queue's worth are kept.</summary>
    private int _freeCount;

    /// <summary>The chunk this thread rents from, and the exporter it came from (<see cref="Rent"/>).</summary>
    [ThreadStatic]
    private static RentedChunk? t_rented;
    /// <summary>
    /// Set when a batch fills (or on exit). No spinning before the thread sleeps: a <c>SemaphoreSlim</c> spun, then
    /// yielded, for microseconds each time the thread went back to wait, once a batch (bench/HISTORY.md); and a
    /// shallow sleep, for the collections that walk this thread's stack (<see cref="ExportSignal"/>).
    /// </summary>
    private readonly ExportSignal _wake = new();
    /// <summary>Set once the last flush has counted every queued request's duration (<see cref="WaitCounted"/>).
    /// </summary>
    private readonly ManualResetEventSlim _counted = new(initialState: false, spinCount: 0);
    private readonly List<RequestTrace> _batch = [];

    /// <summary>Records taken from the queue for a scrape (<see cref="CountQueued"/>): counted, not posted yet.
    /// </summary>
    private readonly List<RequestTrace> _countedForScrape = [];
    private readonly DurationBatch _durations = new(GuardTelemetry.OperationDuration);
    private readonly DecisionBatch _decisions = new(GuardTelemetry.Decisions);
    private readonly TraceExportOptions _options;
    private readonly OtlpSpanWriter _writer;
    private readonly OtlpPoster _poster;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private int _queued;
    private long _dropped;
    private volatile bool _stopping;

    /// <summary>A scrape's wish to see every queued duration counted; completed by the thread once it has.</summary>
    private TaskCompletionSource? _countWanted;

    private TraceExporter(
        TraceExportOptions options,
        TraceSampler sampler,
        OtlpSpanWriter writer,
        ILogger logger,
        HttpMessageHandler? http,
        TimeProvider? time)
    {
        _options = options;
        Sampler = sampler;
        _writer = writer;
        _logger = logger;
        _poster = new OtlpPoster(options, options.Endpoint, "spans", logger, http, time);
        _thread = new Thread(Run) { IsBackground = true, Name = "McpGuard OTLP spans" };
    }

    public TraceSampler Sampler { get; }

    public bool CountsDecisions => true;

    /// <summary>Spans dropped so far: the queue was full, or the receiver failed or was too slow.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <param name="http">The HTTP stack to post through; the default one unless a test gives its own.</param>
    /// <param name="time">The clock of the exit's export timeout; the system's unless a test gives its own.</param>
    public static TraceExporter Start(
        TraceExportOptions options,
        TraceSampler sampler,
        OtlpSpanWriter writer,
        ILogger logger,
        HttpMessageHandler? http = null,
        TimeProvider? time = null)
    {
        var exporter = new TraceExporter(options, sampler, writer, logger, http, time);
        exporter._thread.Start();
        return exporter;
    }

    public void Add(RequestTrace trace)
    {
        var spans = trace.SpanCount;
        var queued = Interlocked.Add(ref _queued, spans);
        if (queued > _options.MaxQueueSize)
        {
            Interlocked.Add(ref _queued, -spans);
            Interlocked.Add(ref _dropped, spans);
            GuardTelemetry.OperationDuration.Record(
                Stopwatch.GetElapsedTime(trace.StartedAt, trace.EndedAt).TotalSeconds,
                new LabelValues(MethodLabel.Of(trace.Method), trace.ErrorType, null)); // spans dropped, metrics whole
            DecisionBatch.CountNow(GuardTelemetry.Decisions, trace);
            FreeOne(trace);
            return;
        }

        _queue.Enqueue(trace);
        if (queued >= _options.MaxBatchSize && queued - spans < _options.MaxBatchSize)
        {
            _wake.Set(); // a full batch: wake the thread now rather than at the schedule delay
        }
    }

    /// <summary>
    /// A record whose spans were sent, made the new request's; a new one while none is free. At most a full queue's
    /// worth are kept free (<see cref="ExportQueued"/>), so a burst of requests in flight is not kept for good.
    /// </summary>
    public RequestTrace Rent(string method, string? tool, long startedAt)
    {
        var rented = t_rented;
        if (rented is null || rented.Owner != this || rented.Next == rented.Records.Length)
        {
            if (!_free.TryDequeue(out var chunk))
            {
                return new(method, tool, startedAt);
            }

            Interlocked.Add(ref _freeCount, -chunk.Length);
            rented = t_rented ??= new RentedChunk();
            (rented.Owner, rented.Records, rented.Next) = (this, chunk, 0);
        }

        return rented.Records[rented.Next++].Reuse(method, tool, startedAt);
    }

    /// <summary>
    /// A <c>/metrics</c> scrape: the durations of the requests queued for the next batch are counted now, on the
    /// export thread (not the relay's), and their spans stay for that batch. Returns whether that was done within
    /// <paramref name="wait"/> (the thread may be in a post that waits for the receiver).
    /// </summary>
    public bool CountQueued(TimeSpan wait)
    {
        if (_stopping)
        {
            return false;
        }

        var wanted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = Interlocked.CompareExchange(ref _countWanted, wanted, null) ?? wanted;
        _wake.Set();
        return current.Task.Wait(wait);
    }

    /// <summary>Starts the last flush without waiting for it (<see cref="Dispose"/> waits).</summary>
    public void Stop()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _poster.Close();
        _wake.Set();
    }

    /// <summary>
    /// Waits, after <see cref="Stop"/>, until every request queued has its duration counted, so the metrics' last
    /// export carries them; bounded by the export timeout (counting posts nothing).
    /// </summary>
    public void WaitCounted() => _counted.Wait(_options.Timeout);

    public void Dispose()
    {
        Stop();
        _thread.Join(); // bounded: the last sends stop at the export timeout
        _poster.Dispose();
        _wake.Dispose();
        _counted.Dispose();
        if (Dropped > 0)
        {
            LogDropped(_logger, Dropped);
        }
    }

    /// <summary>
    /// Posts full batches as they fill, and what is left every schedule delay (or on exit). Between the delays a
    /// wake posts only full batches and leaves the rest queued: draining the queue at every wake posted a full batch
    /// and then the few hundred spans queued while it was sent, about four posts per batch's worth of spans at
    /// 100,000 calls a second, and each post costs the export thread and the receiver as much as a thousand spans'
    /// bytes (bench/HISTORY.md).
    /// </summary>
    private void Run()
    {
        ExportThreadPriority.Lower();
        var delay = (long)(_options.ScheduleDelay.TotalSeconds * Stopwatch.Frequency);
        var due = Stopwatch.GetTimestamp() + delay;
        while (!_stopping)
        {
            _wake.Wait(TimeSpan.FromSeconds(Math.Max(0, due - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
            // What was added before a Set is seen below; one set after this Reset wakes the next Wait at once.
            _wake.Reset();
            if (Interlocked.Exchange(ref _countWanted, null) is { } wanted)
            {
                while (_queue.TryDequeue(out var trace))
                {
                    Count(trace);
                    _countedForScrape.Add(trace);
                }

                FlushCounts();
                wanted.TrySetResult();
            }

            var now = Stopwatch.GetTimestamp();
            if (now >= due)
            {
                ExportQueued(fullBatchesOnly: false);
                due = now + delay;
            }
            else
            {
                ExportQueued(fullBatchesOnly: true);
            }
        }

        var timeout = (long)(_options.Timeout.TotalSeconds * Stopwatch.Frequency);
        ExportRest(Stopwatch.GetTimestamp() + timeout);
    }

    /// <summary>The last flush: every queued request's duration is counted before any span is posted.</summary>
    private void ExportRest(long deadline)
    {
        var rest = new List<RequestTrace>(_countedForScrape);
        _countedForScrape.Clear();
        Interlocked.Exchange(ref _countWanted, null)?.TrySetResult();
        while (_queue.TryDequeue(out var trace))
        {
            Count(trace);
            rest.Add(trace);
        }

        FlushCounts();
        _counted.Set();
        for (var from = 0; from < rest.Count;)
        {
            _batch.Clear();
            var spans = 0;
            for (; from < rest.Count && spans < _options.MaxBatchSize; from++)
            {
                _batch.Add(rest[from]);
                spans += rest[from].SpanCount;
            }

            Interlocked.Add(ref _queued, -spans);
            if (Stopwatch.GetTimestamp() > deadline || !_poster.Post(_writer.Write(_batch, SpanClock.Now())))
            {
                Interlocked.Add(ref _dropped, spans);
            }

            Free();
        }
    }

    /// <summary>The batch's records, sent, are free for new requests: at most a full queue's worth are kept.</summary>
    private void Free()
    {
        var batch = CollectionsMarshal.AsSpan(_batch);
        for (var from = 0; from < batch.Length && Volatile.Read(ref _freeCount) < _options.MaxQueueSize;)
        {
            var chunk = batch.Slice(from, Math.Min(FreeChunk, batch.Length - from)).ToArray();
            Interlocked.Add(ref _freeCount, chunk.Length);
            _free.Enqueue(chunk);
            from += chunk.Length;
        }
    }

    /// <summary>A record whose spans were dropped (a full queue): free at once, in a chunk of its own.</summary>
    private void FreeOne(RequestTrace trace)
    {
        if (Volatile.Read(ref _freeCount) < _options.MaxQueueSize)
        {
            Interlocked.Increment(ref _freeCount);
            _free.Enqueue([trace]);
        }
    }

    private void ExportQueued(bool fullBatchesOnly)
    {
        while (fullBatchesOnly
            ? Volatile.Read(ref _queued) >= _options.MaxBatchSize
            : !_queue.IsEmpty || _countedForScrape.Count > 0)
        {
            _batch.Clear();
            var spans = 0;
            var taken = 0;
            for (; taken < _countedForScrape.Count && spans < _options.MaxBatchSize; taken++)
            {
                // Counted for a scrape already: posted first, not counted again.
                _batch.Add(_countedForScrape[taken]);
                spans += _countedForScrape[taken].SpanCount;
            }

            _countedForScrape.RemoveRange(0, taken);
            while (spans < _options.MaxBatchSize && _queue.TryDequeue(out var trace))
            {
                Count(trace);
                _batch.Add(trace);
                spans += trace.SpanCount;
            }

            FlushCounts(); // before the post, which may wait for the receiver
            Interlocked.Add(ref _queued, -spans);
            if (!_poster.Post(_writer.Write(_batch, SpanClock.Now())))
            {
                Interlocked.Add(ref _dropped, spans);
            }

            Free();
        }
    }

    /// <summary>A request's duration, and its decision if the relay left it uncounted.</summary>
    private void Count(RequestTrace trace)
    {
        _durations.Add(trace);
        _decisions.Add(trace);
    }

    private void FlushCounts()
    {
        _durations.Flush();
        _decisions.Flush();
    }

    /// <summary>A chunk of free records one thread rents from, first to last; each is rented once.</summary>
    private sealed class RentedChunk
    {
        public TraceExporter? Owner { get; set; }

        public RequestTrace[] Records { get; set; } = [];

        public int Next { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Telemetry: {Count} spans were dropped (the queue was full or the receiver failed); metrics are whole.")]
    private static partial void LogDropped(ILogger logger, long count);
}
