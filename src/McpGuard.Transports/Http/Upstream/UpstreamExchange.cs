using McpGuard.Session;

namespace McpGuard.Http.Upstream;

/// <summary>
/// One request and its answer: the POST, the status, the JSON body or event stream read into the session until the
/// response to this request came. Its result is null when the request was answered (by the upstream), or why it was
/// not, for the JSON-RPC error the client then gets.
/// </summary>
internal sealed class UpstreamExchange(
    HttpMessageInvoker http, UpstreamOptions options, UpstreamRequests requests, LegacyUpstreamSession legacy,
    IUpstreamSink sink)
{
    private bool _answered;

    /// <param name="stopping">Fires when the client cancelled the request or the session ends: then no answer is
    /// due.</param>
    public async Task<ExchangeFailure?> RunAsync(
        OutboundMessage outbound, ReadOnlyMemory<byte> body, CancellationToken stopping)
    {
        // Long-lived by design: a listen stream stays open as long as the client wants its notifications.
        var longLived = outbound.Method == "subscriptions/listen";
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        idle.CancelAfter(options.Timeout);
        try
        {
            using var request = await requests.PostAsync(outbound, body, legacy, idle.Token);
            var sessionId = legacy.SessionId;
            using var response = await http.SendAsync(request, idle.Token);
            if (outbound.Method == "initialize")
            {
                legacy.OnInitializeAnswer(response);
            }

            if (longLived)
            {
                idle.CancelAfter(Timeout.InfiniteTimeSpan);
            }

            if (!response.IsSuccessStatusCode)
            {
                if (response.StatusCode == System.Net.HttpStatusCode.NotFound && sessionId is not null
                    && request.Headers.Contains(McpRequestHeaders.SessionId))
                {
                    // Streamable HTTP: 404 on a session's request means the session is gone (docs/remote.md).
                    legacy.OnNotFound(sessionId);
                    return new ExchangeFailure.NoAnswer("HTTP 404: the upstream ended its session");
                }

                return await RefusedAsync(response, outbound, idle.Token);
            }

            var outcome = await AnswerReader.ReadAsync(
                response.Content,
                events: null,
                message => HandOnAsync(message, outbound, stopping),
                () =>
                {
                    if (!longLived)
                    {
                        idle.CancelAfter(options.Timeout);
                    }
                },
                options.MaxMessageBytes,
                idle.Token);
            return _answered ? null : new ExchangeFailure.NoAnswer(UpstreamFailure.Outcome(outcome));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            return _answered ? null : new ExchangeFailure.NoAnswer(UpstreamFailure.Timeout(options.Timeout));
        }
        catch (HttpRequestException ex)
        {
            return _answered ? null : new ExchangeFailure.NoAnswer(UpstreamFailure.Describe(ex));
        }
        catch (IOException)
        {
            return _answered ? null : new ExchangeFailure.NoAnswer("the connection broke while it answered");
        }
        catch (UpstreamCredentialException ex)
        {
            return new ExchangeFailure.NoAnswer(ex.Message);
        }
    }

    private async ValueTask<bool> HandOnAsync(
        InboundMessage message, OutboundMessage outbound, CancellationToken stopping)
    {
        if (message.IsResponse && message.Id?.Key == outbound.Id?.Key)
        {
            _answered = true;
            if (outbound.Method == "initialize")
            {
                legacy.OnNegotiated(message.ProtocolVersion);
            }
            else if (outbound.Method == "tools/list" && !message.IsError)
            {
                options.ParamHeaders.Learn(message.Bytes);
            }
        }

        if (message.IsResponse || outbound.Id is not { } id)
        {
            await sink.DeliverAsync(message.Bytes, message.Header, stopping);
        }
        else
        {
            // A notification (or a server's request) on this request's stream belongs to this request.
            await UpstreamStream.DeliverOnAsync(id, () => sink.DeliverAsync(message.Bytes, message.Header, stopping));
        }

        return _answered;
    }

    /// <summary>
    /// A status outside 2xx. The upstream's own JSON-RPC error for this request (a 2026-07-28 server answers a header
    /// mismatch with 400 and one, an unknown method with 404 and one) is its answer and goes to the session like any
    /// other; else a 400, 404, 405 or 406 to a 2026-07-28 request says the upstream does not speak that revision
    /// (<see cref="ExchangeFailure.NotModern"/>), and any other status is the reason.
    /// </summary>
    private async Task<ExchangeFailure?> RefusedAsync(
        HttpResponseMessage response, OutboundMessage outbound, CancellationToken cancellationToken)
    {
        var id = outbound.Id!.Value;
        var code = (int)response.StatusCode;
        ExchangeFailure status = code is 400 or 404 or 405 or 406 && outbound.ModernRevision is { } revision
            ? new ExchangeFailure.NotModern(revision, code)
            : new ExchangeFailure.NoAnswer(UpstreamFailure.Status(response.StatusCode, options));
        if ((int)response.StatusCode is < 400 or >= 500
            || !MediaType.Is(AnswerReader.ContentType(response.Content.Headers), MediaType.Json))
        {
            return status;
        }

        InboundMessage? error = null;
        await AnswerReader.ReadAsync(
            response.Content,
            events: null,
            message =>
            {
                error = message;
                return ValueTask.FromResult(true);
            },
            () => { },
            Math.Min(options.MaxMessageBytes, 1024 * 1024),
            cancellationToken);
        if (error is { IsResponse: true } && error.Id?.Key == id.Key && error.IsError)
        {
            _answered = true;
            await sink.DeliverAsync(error.Bytes, error.Header, cancellationToken);
            return null;
        }

        return status;
    }
}
