using System.Collections.Concurrent;
using System.Net;
using McpGuard.Tests.TestUtils;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// An OTLP/HTTP receiver on a loopback port: accepts <c>POST /v1/traces</c> and <c>/v1/metrics</c>
/// (<c>application/x-protobuf</c>) and decodes the spans and metric names and attributes it is sent.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<ReceivedMetric> _metrics = new();
    private readonly ConcurrentQueue<string> _paths = new();

    public OtlpReceiver()
    {
        // HttpListener cannot listen on port 0 and say which port it got: the port is picked first, and another one
        // if it was taken before the listener bound it.
        (_listener, Port) = LoopbackPort.Start(port =>
        {
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch
            {
                listener.Close();
                throw;
            }

            return (listener, port);
        });
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    public IReadOnlyCollection<ReceivedMetric> Metrics => _metrics;

    /// <summary>Every path posted to, in order (so a test can show nothing arrived).</summary>
    public IReadOnlyCollection<string> Paths => _paths;

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop and then Close each unregister the prefix, and the second, finding the port's listener
        // gone, binds the port again just to drop the prefix — "Address already in use" when another test took it.
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e)
                when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var path = context.Request.Url!.AbsolutePath;
            _paths.Enqueue(path);
            if (path == "/v1/traces")
            {
                ReadSpans(new ProtoMessage(body.ToArray()));
            }
            else if (path == "/v1/metrics")
            {
                ReadMetrics(new ProtoMessage(body.ToArray()));
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private void ReadSpans(ProtoMessage request)
    {
        foreach (var span in request.Messages(1).SelectMany(r => r.Messages(2)).SelectMany(s => s.Messages(2)))
        {
            _spans.Enqueue(new ReceivedSpan(
                span.String(5) ?? "",
                (int)(span.Scalar(6) ?? 0),
                Convert.ToHexStringLower(span.Bytes(1) ?? []),
                Convert.ToHexStringLower(span.Bytes(2) ?? []),
                Convert.ToHexStringLower(span.Bytes(4) ?? []),
                Attributes(span.Messages(9))));
        }
    }

    private void ReadMetrics(ProtoMessage request)
    {
        foreach (var metric in request.Messages(1).SelectMany(r => r.Messages(2)).SelectMany(s => s.Messages(2)))
        {
            // Data points live under gauge (5), sum (7) or histogram (9); attributes are field 7 of a number point
            // and field 9 of a histogram point.
            var points = metric.Messages(5).Concat(metric.Messages(7)).SelectMany(d => d.Messages(1))
                .Select(p => Attributes(p.Messages(7)))
                .Concat(metric.Messages(9).SelectMany(d => d.Messages(1)).Select(p => Attributes(p.Messages(9))));
            _metrics.Enqueue(new ReceivedMetric(metric.String(1) ?? "", [.. points]));
        }
    }

    private static Dictionary<string, string> Attributes(IEnumerable<ProtoMessage> keyValues) =>
        keyValues.ToDictionary(kv => kv.String(1) ?? "", kv => Value(kv.Message(2)), StringComparer.Ordinal);

    private static string Value(ProtoMessage? any) =>
        any is null
            ? ""
            : any.String(1) ?? (any.Scalar(2) is { } b ? (b != 0 ? "true" : "false") : any.Scalar(3)?.ToString() ?? "");
}
