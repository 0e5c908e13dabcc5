namespace McpGuard.Http.Upstream;

/// <summary>
/// The upstream's 2025-era session, which a 2025 client's session maps onto one to one: the <c>Mcp-Session-Id</c>
/// the upstream minted on the <c>initialize</c> answer and the revision that answer negotiated. Both go on every later
/// 2025-era request (the revision as <c>MCP-Protocol-Version</c>); 2026-07-28 requests carry neither.
/// </summary>
internal sealed class LegacyUpstreamSession
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _sessionId;
    private volatile string? _revision;

    /// <summary>
    /// Completes when the upstream answered 404 to a request carrying the session's id: it ended the session
    /// (restarted, expired it), and nothing sent on it can succeed again.
    /// </summary>
    public Task Ended => _ended.Task;

    public string? SessionId => _sessionId;

    public string? Revision => _revision;

    /// <summary>A new handshake starts a new session: what the last one had is not sent with it.</summary>
    public void Reset()
    {
        _sessionId = null;
        _revision = null;
    }

    public void OnInitializeAnswer(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode
            && response.Headers.NonValidated.TryGetValues(McpRequestHeaders.SessionId, out var values)
            && values.FirstOrDefault() is { Length: > 0 } id
            && id.All(c => c is > ' ' and <= '~'))
        {
            // The spec allows visible ASCII only; anything else is not echoed (it could not be sent back anyway).
            _sessionId = id;
        }
    }

    /// <summary>A 404 to a request with <paramref name="sentId"/>: the session ends if that is still its id.</summary>
    public void OnNotFound(string? sentId)
    {
        if (sentId is not null && sentId == _sessionId)
        {
            _ended.TrySetResult();
        }
    }

    public void OnNegotiated(string? revision)
    {
        if (revision is not null && revision.All(c => c is > ' ' and <= '~'))
        {
            _revision = revision;
        }
    }

    public void AddTo(HttpRequestMessage request)
    {
        if (_sessionId is { } id)
        {
            request.Headers.TryAddWithoutValidation(McpRequestHeaders.SessionId, id);
        }

        if (_revision is { } revision)
        {
            request.Headers.TryAddWithoutValidation(McpRequestHeaders.ProtocolVersion, revision);
        }
    }
}
