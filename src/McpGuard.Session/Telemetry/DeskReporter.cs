using System.Text.Json;
using System.Threading.Channels;
using McpGuard.Desk;
using Microsoft.Extensions.Logging;

namespace McpGuard.Telemetry;

/// <summary>
/// Tells the approval desk what this guard's metrics tell a dashboard: each limit's use from the limit gauges'
/// snapshot, and decisions per minute from the decisions counter (docs/approval.md#the-picture). It reports while a
/// desk has been set up for this user (its secret exists), a second after a burst of decisions and every
/// <see cref="DeskReports.ReportEvery"/> otherwise; a desk that is not running costs a refused loopback connection.
/// Nothing here is on a call's path: a call only counts into <see cref="DecisionMinutes"/> and wakes the loop.
/// </summary>
internal sealed partial class DeskReporter : IAsyncDisposable
{
    private static readonly TimeSpan s_batch = TimeSpan.FromSeconds(1);

    private static readonly Lazy<HttpClient> s_http = new(() => new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        UseProxy = false, // the secret goes to loopback only, never through a proxy
    })
    {
        Timeout = TimeSpan.FromSeconds(5),
    });

    private readonly string _id = Guid.NewGuid().ToString("n");
    private readonly string _server;
    private readonly LimitGauges _gauges;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DecisionMinutes _minutes;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private (int Port, string Secret)? _posted;

    public DeskReporter(string server, LimitGauges gauges, TimeProvider time, ILogger logger)
    {
        _server = server;
        _gauges = gauges;
        _time = time;
        _logger = logger;
        _minutes = new DecisionMinutes(time, () => _wake.Writer.TryWrite(true));
        if (ReadSecret() is not null)
        {
            // Before the first call: a desk already set up sees every decision of this guard.
            _minutes.Start();
        }

        _loop = ReportAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _minutes.Dispose();
        if (_posted is var (port, secret))
        {
            // Leave the page now rather than when the desk notices the silence.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
            try
            {
                await SendAsync(HttpMethod.Delete, port, secret, null, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // The desk forgets a silent guard by itself.
            }
        }

        _stop.Dispose();
    }

    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (ReadSecret() is { } secret)
                {
                    _minutes.Start();
                    await PostAsync(secret, cancellationToken);
                }

                if (await WokenAsync(cancellationToken))
                {
                    // A decision: wait a moment so a burst of calls is one report, not one each.
                    await Task.Delay(s_batch, _time, cancellationToken);
                    _wake.Reader.TryRead(out _);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The guard is stopping.
        }
    }

    /// <summary>True when a decision woke the loop, false after <see cref="DeskReports.ReportEvery"/> quiet.</summary>
    private async Task<bool> WokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _wake.Reader.WaitToReadAsync(cancellationToken).AsTask()
                .WaitAsync(DeskReports.ReportEvery, _time, cancellationToken);
            return _wake.Reader.TryRead(out _);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task PostAsync(string secret, CancellationToken cancellationToken)
    {
        try
        {
            await _gauges.RefreshNowAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A store that does not answer keeps the desk's last picture (the gauges show nothing meanwhile).
            LogStoreUnread(_logger, e.Message);
        }

        var report = new DeskGuardReport(
            _server,
            [.. _gauges.Snapshot.Select(u => new DeskLimitUse(u.Entry, u.Kind, u.Window, u.Used, u.Max, u.FreesUpAt))],
            _minutes.Read());
        var port = DeskFiles.ReadPort();
        using var body = new ByteArrayContent(
            JsonSerializer.SerializeToUtf8Bytes(report, DeskJsonContext.Default.DeskGuardReport));
        body.Headers.ContentType = new("application/json");
        if (await SendAsync(HttpMethod.Post, port, secret, body, cancellationToken))
        {
            _posted = (port, secret);
        }
    }

    private async Task<bool> SendAsync(
        HttpMethod method, int port, string secret, HttpContent? content, CancellationToken cancellationToken)
    {
        try
        {
            var address = $"http://127.0.0.1:{port}/api/guard/reports/{_id}";
            using var message = new HttpRequestMessage(method, address) { Content = content };
            message.Headers.Add(DeskFiles.GuardKeyHeader, DeskFiles.GuardKey(secret));
            using var response = await s_http.Value.SendAsync(message, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (
            e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // No desk running (refused), or it did not answer in time: the next report tries again.
            LogUnreachable(_logger, port, e.Message);
            return false;
        }
    }

    private string? ReadSecret()
    {
        try
        {
            return DeskFiles.TryReadSecret();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A secret other users can read is refused for approvals; the picture is not sent with it either.
            LogSecretUnusable(_logger, e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "No desk to report to on port {Port}: {Why}")]
    private static partial void LogUnreachable(ILogger logger, int port, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Limit use for the desk not read: {Why}")]
    private static partial void LogStoreUnread(ILogger logger, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Not reporting to the desk: {Why}")]
    private static partial void LogSecretUnusable(ILogger logger, string why);
}
