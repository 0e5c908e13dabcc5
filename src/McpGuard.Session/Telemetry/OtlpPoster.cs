using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace McpGuard.Telemetry;

/// <summary>
/// Posts OTLP/HTTP protobuf bodies to one signal's endpoint (<c>/v1/traces</c> or <c>/v1/metrics</c>) with the
/// configured headers and timeout, from one exporter thread. A failed post is logged once per signal, then only
/// counted by its exporter: a collector that is down must not fill the guard's log (docs/telemetry.md).
/// </summary>
internal sealed partial class OtlpPoster : IDisposable
{
    private static readonly MediaTypeHeaderValue s_protobuf = new("application/x-protobuf");

    private readonly Uri _endpoint;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;
    private readonly string _signal;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _closing;
    private int _closed;
    private bool _failureLogged;

    /// <param name="signal">What is posted, for the log: <c>spans</c> or <c>metrics</c>.</param>
    /// <param name="http">The HTTP stack to post through; the default one unless a test gives its own.</param>
    /// <param name="time">The clock of <see cref="Close"/>'s timeout; the system's unless a test gives its own.</param>
    public OtlpPoster(
        TraceExportOptions options,
        Uri endpoint,
        string signal,
        ILogger logger,
        HttpMessageHandler? http,
        TimeProvider? time = null)
    {
        _closing = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time ?? TimeProvider.System);
        _endpoint = endpoint;
        _headers = options.Headers;
        _signal = signal;
        _logger = logger;
        _http = http is null ? new HttpClient() : new HttpClient(http);
        _http.Timeout = options.Timeout;
    }

    /// <summary>Posts <paramref name="body"/>; false when the receiver failed or did not answer in time.</summary>
    public bool Post(ArraySegment<byte> body)
    {
        using var content = new ByteArrayContent(body.Array!, body.Offset, body.Count);
        content.Headers.ContentType = s_protobuf;
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        string failure;
        try
        {
            using var response = _http.Send(request, _closing.Token);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            failure = $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            failure = ex.GetType().Name;
        }

        if (!_failureLogged)
        {
            _failureLogged = true;
            LogPostFailed(_logger, _signal, _endpoint.AbsoluteUri, failure);
        }

        return false;
    }

    /// <summary>
    /// The guard is exiting: a post in flight and the last flush's end together one export timeout from now, so a
    /// receiver that hangs holds the exit for that long at most, not once per post. Only the first call starts the
    /// countdown (a later one would restart it).
    /// </summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _closing.CancelAfter(_http.Timeout);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _closing.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Telemetry: posting {Signal} to {Endpoint} failed ({Failure}); what it carried is dropped (said once).")]
    private static partial void LogPostFailed(ILogger logger, string signal, string endpoint, string failure);
}
