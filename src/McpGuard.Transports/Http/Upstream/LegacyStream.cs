using Microsoft.Extensions.Logging;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The GET stream of a 2025 session, on which the upstream sends what it initiates (elicitation, sampling, roots,
/// list changes). Reopened with <c>Last-Event-ID</c> after a drop, after the <c>retry</c> time the upstream set (else
/// a growing pause), a few times at most; a 405 means the upstream offers none, a 404 that it ended the session.
/// Every message goes to the session.
/// </summary>
internal sealed partial class LegacyStream(
    HttpMessageInvoker http, UpstreamOptions options, UpstreamRequests requests, LegacyUpstreamSession legacy,
    IUpstreamSink sink, ILogger logger)
{
    private const int MaxFailuresInARow = 5;

    public async Task RunAsync(CancellationToken closing)
    {
        var lastEventId = "";
        long? retryMilliseconds = null;
        for (var failures = 0; failures < MaxFailuresInARow && !closing.IsCancellationRequested; failures++)
        {
            var parser = new SseParser(options.MaxMessageBytes);
            try
            {
                using var opening = CancellationTokenSource.CreateLinkedTokenSource(closing);
                opening.CancelAfter(options.Timeout);
                var sessionId = legacy.SessionId;
                using var request = await requests.ListenAsync(legacy, lastEventId, opening.Token);
                using var response = await http.SendAsync(request, opening.Token);
                if ((int)response.StatusCode is >= 400 and < 500)
                {
                    LogNoStream(logger, options.DisplayName, (int)response.StatusCode);
                    if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                    {
                        // 404, not 405: the upstream does not know the session id the GET carried (it ended it).
                        legacy.OnNotFound(sessionId);
                    }

                    return;
                }

                if (response.IsSuccessStatusCode)
                {
                    opening.CancelAfter(Timeout.InfiniteTimeSpan);
                    failures = -1;
                    var outcome = await AnswerReader.ReadAsync(
                        response.Content, parser, message => DeliverAsync(message, closing), () => { },
                        options.MaxMessageBytes, opening.Token);
                    if (outcome != AnswerOutcome.Ended)
                    {
                        LogStreamBroken(logger, options.DisplayName, UpstreamFailure.Outcome(outcome));
                    }
                }
            }
            catch (OperationCanceledException) when (closing.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException
                or UpstreamCredentialException)
            {
                var failure = ex is HttpRequestException failed ? UpstreamFailure.Describe(failed) : ex.GetType().Name;
                LogStreamBroken(logger, options.DisplayName, failure);
            }

            lastEventId = parser.LastEventId.Length > 0 ? parser.LastEventId : lastEventId;
            retryMilliseconds = parser.RetryMilliseconds ?? retryMilliseconds;
            var pause = retryMilliseconds is { } retry
                ? TimeSpan.FromMilliseconds(Math.Min(retry, 60_000))
                : TimeSpan.FromSeconds(Math.Max(1, failures + 1));
            await Task.Delay(pause, closing).ContinueWith(
                _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private async ValueTask<bool> DeliverAsync(InboundMessage message, CancellationToken closing)
    {
        await sink.DeliverAsync(message.Bytes, message.Header, closing);
        return false;
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Upstream {Upstream} opened no stream for server messages (HTTP {Status}).")]
    private static partial void LogNoStream(ILogger logger, string upstream, int status);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Upstream {Upstream}: the stream for server messages broke ({Failure}); reopening.")]
    private static partial void LogStreamBroken(ILogger logger, string upstream, string failure);
}
