using System.Collections.Concurrent;
using System.Net.Http.Headers;
using McpGuard.Session;
using Microsoft.Extensions.Logging;

namespace McpGuard.Http.Upstream;

/// <summary>
/// The guard as a Streamable HTTP client of a remote MCP server, in the era of each message (docs/remote.md): a POST
/// per judged message, its headers derived from that body and the guard's own options, never from the client. A
/// request's answer (JSON or an event stream, any 2xx) is read message by message into the session; a request that
/// gets no usable answer gets a JSON-RPC error naming the upstream, which the session treats like a server's error
/// (so its counts are given back). Requests run concurrently; notifications and responses are sent in order.
/// </summary>
internal sealed partial class UpstreamClient(
    HttpMessageInvoker http, UpstreamOptions options, IUpstreamSink sink, ILogger logger) : IDisposable
{
    private readonly LegacyUpstreamSession _legacy = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _openRequests = new();
    private readonly ExchangesUnderWay _underWay = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly UpstreamRequests _requests = new(options);
    private Task? _legacyStream;

    /// <summary>
    /// Sends one judged message; returns once a request is under way, or a notification or response was taken.
    /// </summary>
    public Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        SendAsync(message, null, cancellationToken);

    /// <summary>
    /// The same, with what decides the POST already read by the session (<paramref name="read"/>; null: read here
    /// from the bytes, <see cref="OutboundMessage.TryRead"/>).
    /// </summary>
    public async Task SendAsync(
        ReadOnlyMemory<byte> message, OutboundMessage? read, CancellationToken cancellationToken)
    {
        if ((read ?? (OutboundMessage.TryRead(message, out var parsed) ? parsed : null)) is not { } outbound)
        {
            // The session sends only messages it validated; this cannot happen, and is not sent if it does.
            LogUnsendable(logger);
            return;
        }

        if (outbound.IsModern && outbound.CancelledId is { } cancelled)
        {
            // 2026-07-28: closing a request's stream is how it is cancelled.
            if (_openRequests.TryGetValue(cancelled.Key, out var stream))
            {
                await stream.CancelAsync();
            }

            return;
        }

        if (outbound.Kind == OutboundKind.Request)
        {
            if (outbound.Method == "initialize")
            {
                // Everything after it needs the session id its answer brings.
                _legacy.Reset();
                await ExchangeAsync(outbound, message);
                return;
            }

            _underWay.Started();
            _ = ExchangeAsync(outbound, message, counted: true);
            return;
        }

        if (await PostOneWayAsync(outbound, message, cancellationToken)
            && outbound.Method == "notifications/initialized"
            && !outbound.IsModern
            && _legacyStream is null)
        {
            _legacyStream = new LegacyStream(http, options, _requests, _legacy, sink, logger).RunAsync(_closing.Token);
        }
    }

    /// <summary>
    /// At the end of the session: requests still running get <paramref name="grace"/> to finish, then their streams
    /// are closed; a 2025 session is ended with DELETE.
    /// </summary>
    public async Task CloseAsync(TimeSpan grace)
    {
        var ended = _underWay.AllEnded();
        await Task.WhenAny(ended, Task.Delay(grace, CancellationToken.None));
        await _closing.CancelAsync();
        try
        {
            await ended;
            if (_legacyStream is { } legacyStream)
            {
                await legacyStream;
            }
        }
        catch (OperationCanceledException)
        {
            // Answers that arrived too late for a session that is ending.
        }
        if (_legacy.SessionId is not null)
        {
            await DeleteSessionAsync();
        }
    }

    /// <summary>The <c>Mcp-Session-Id</c> of the 2025 session this client holds upstream; null when none.</summary>
    public string? SessionId => _legacy.SessionId;

    /// <summary>Completes when the upstream ended the 2025 session this client holds (a 404 on its id).</summary>
    public Task SessionEnded => _legacy.Ended;

    public void Dispose() => _closing.Dispose();

    /// <param name="counted">Counted in <see cref="_underWay"/> (every request but initialize, which is awaited).
    /// </param>
    private async Task ExchangeAsync(OutboundMessage outbound, ReadOnlyMemory<byte> body, bool counted = false)
    {
        try
        {
            var id = outbound.Id!.Value;
            var exchange = new UpstreamExchange(http, options, _requests, _legacy, sink);

            // Only a 2026-07-28 request is cancelled by closing its stream; a 2025 one (its cancellation is a
            // notification like any other) ends with the session, and needs no source or registration of its own.
            ExchangeFailure? failure;
            try
            {
                failure = outbound.IsModern
                    ? await RunCancellableAsync(exchange, outbound, body, id)
                    : await exchange.RunAsync(outbound, body, _closing.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The exchange turns the failures it knows into words; anything else must still answer the request
                // (docs/relay.md: no exception escapes a message's handling), or the client waits for ever.
                failure = new ExchangeFailure.NoAnswer($"the request failed ({ex.GetType().Name})");
            }

            if (failure is not null)
            {
                LogRequestFailed(logger, options.DisplayName, failure.Why);
                await sink.FailedAsync(id, failure, failure.Error(id, options.DisplayName), _closing.Token);
            }
        }
        finally
        {
            if (counted)
            {
                _underWay.Ended();
            }
        }
    }

    private async Task<ExchangeFailure?> RunCancellableAsync(
        UpstreamExchange exchange, OutboundMessage outbound, ReadOnlyMemory<byte> body, JsonRpcId id)
    {
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        _openRequests[id.Key] = stream;
        try
        {
            return await exchange.RunAsync(outbound, body, stream.Token);
        }
        finally
        {
            _openRequests.TryRemove(new KeyValuePair<string, CancellationTokenSource>(id.Key, stream));
        }
    }

    private async Task<bool> PostOneWayAsync(
        OutboundMessage outbound, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        timeout.CancelAfter(options.Timeout);
        try
        {
            var sessionId = _legacy.SessionId;
            using var request = await _requests.PostAsync(outbound, body, _legacy, timeout.Token);
            using var response = await http.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            LogOneWayRefused(logger, options.DisplayName, (int)response.StatusCode);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound
                && request.Headers.Contains(McpRequestHeaders.SessionId))
            {
                // As for a request (UpstreamExchange): the upstream ended the session this went on.
                _legacy.OnNotFound(sessionId);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException
            or UpstreamCredentialException)
        {
            var failure = ex switch
            {
                HttpRequestException http => UpstreamFailure.Describe(http),
                // The guard's own words: it says to run mcpguard login.
                UpstreamCredentialException credential => credential.Message,
                _ => ex.GetType().Name,
            };
            LogOneWayFailed(logger, options.DisplayName, failure);
        }

        return false;
    }

    private async Task DeleteSessionAsync()
    {
        using var timeout = new CancellationTokenSource(options.Timeout);
        try
        {
            using var request = await _requests.CreateAsync(HttpMethod.Delete, _legacy, timeout.Token);
            using var response = await http.SendAsync(request, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException
            or UpstreamCredentialException)
        {
            // The session ends either way; the upstream expires it on its own.
            LogOneWayFailed(logger, options.DisplayName, "DELETE");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A message for the upstream was not valid JSON-RPC; not sent.")]
    private static partial void LogUnsendable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream {Upstream}: a request failed: {Failure}.")]
    private static partial void LogRequestFailed(ILogger logger, string upstream, string failure);


    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Upstream {Upstream} answered a notification or response with HTTP {Status}.")]
    private static partial void LogOneWayRefused(ILogger logger, string upstream, int status);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Upstream {Upstream}: a notification, response or DELETE failed: {Failure}.")]
    private static partial void LogOneWayFailed(ILogger logger, string upstream, string failure);
}
