using System.Net.Http.Headers;

namespace McpGuard.Http.Upstream;

/// <summary>
/// Builds the guard's HTTP requests to the upstream. What goes on them: the guard's own headers and credential, the
/// headers derived from the judged body (2026-07-28) or the 2025 session's id and revision. Nothing of the client's.
/// </summary>
internal sealed class UpstreamRequests(UpstreamOptions options)
{
    // Fixed values, added as text: typed header values are formatted again on every request.
    private const string BothAnswers = MediaType.Json + ", " + MediaType.EventStream;

    public async ValueTask<HttpRequestMessage> PostAsync(
        OutboundMessage outbound, ReadOnlyMemory<byte> body, LegacyUpstreamSession legacy,
        CancellationToken cancellationToken)
    {
        var request = await CreateAsync(HttpMethod.Post, outbound.IsModern ? null : legacy, cancellationToken);
        request.Headers.TryAddWithoutValidation("Accept", BothAnswers);
        if (outbound.IsModern)
        {
            McpRequestHeaders.SetModern(request.Headers, outbound);
            if (outbound is { Method: "tools/call", NameValue: { } tool })
            {
                options.ParamHeaders.AddTo(request.Headers, tool, body);
            }
        }

        request.Content = new ReadOnlyMemoryContent(body);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", MediaType.Json);
        return request;
    }

    /// <summary>
    /// A request with the guard's own headers and credential, and the 2025 session's headers when given.
    /// </summary>
    public ValueTask<HttpRequestMessage> CreateAsync(
        HttpMethod method, LegacyUpstreamSession? legacy, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, options.Endpoint);
        foreach (var header in options.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }

        legacy?.AddTo(request);

        // Without `mcpguard login` there is nothing to wait for: no state machine, no task, per request.
        return options.Credential is { } credential
            ? WithTokenAsync(request, credential, cancellationToken)
            : ValueTask.FromResult(request);
    }

    private async ValueTask<HttpRequestMessage> WithTokenAsync(
        HttpRequestMessage request, IUpstreamCredential credential, CancellationToken cancellationToken)
    {
        try
        {
            var token = await credential.GetAccessTokenAsync(cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return request;
        }
        catch (FormatException)
        {
            // A token that cannot be a header value (the sign-in checks it): the request's error says so.
            request.Dispose();
            throw new UpstreamCredentialException(
                $"the stored token cannot be sent; run `mcpguard login --url {options.DisplayName}`");
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    /// <summary>The GET that opens a 2025 session's stream for server-initiated messages.</summary>
    public async Task<HttpRequestMessage> ListenAsync(
        LegacyUpstreamSession legacy, string lastEventId, CancellationToken cancellationToken)
    {
        var request = await CreateAsync(HttpMethod.Get, legacy, cancellationToken);
        request.Headers.TryAddWithoutValidation("Accept", MediaType.EventStream);
        if (lastEventId.Length > 0 && lastEventId.All(c => c is >= ' ' and <= '~'))
        {
            request.Headers.TryAddWithoutValidation(McpRequestHeaders.LastEventId, lastEventId);
        }

        return request;
    }
}
