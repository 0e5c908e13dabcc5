namespace McpGuard.Http;

/// <summary>
/// A 2025-era session: the guard-minted <c>Mcp-Session-Id</c>, the agent that opened it (only that agent may use
/// it), and its own guarded child, started at <c>initialize</c> and ended with the session.
/// </summary>
internal sealed class LegacySession(
    string id, string agent, GatewayRelay relay, TimeProvider clock, CancellationToken revoked = default)
{
    private long _lastUsedTicks = clock.GetTimestamp();
    private int _open;

    public string Id { get; } = id;

    public string Agent { get; } = agent;

    public GatewayRelay Relay { get; } = relay;

    /// <summary>
    /// The token that opened it was revoked: the session is over for every request from that moment, before the
    /// revocation has ended its streams and its child (docs/serve.md#agents).
    /// </summary>
    public bool Revoked => revoked.IsCancellationRequested;

    /// <summary>
    /// How long the session has had no request open and none arriving; the idle sweep ends a session past
    /// <c>sessions.idle</c>. A call still waiting for its answer or an open <c>GET</c> stream keeps it busy (as the
    /// C# SDK's server keeps a session with an open <c>GET</c>).
    /// </summary>
    public TimeSpan Idle =>
        Volatile.Read(ref _open) > 0 ? TimeSpan.Zero : clock.GetElapsedTime(Interlocked.Read(ref _lastUsedTicks));

    public void Touch() => Interlocked.Exchange(ref _lastUsedTicks, clock.GetTimestamp());

    /// <summary>A request of the session is open (a POST waiting for its answer, the GET stream).</summary>
    public void RequestOpened()
    {
        Interlocked.Increment(ref _open);
        Touch();
    }

    /// <summary>That request is over: the session's idle time counts from now.</summary>
    public void RequestClosed()
    {
        Touch();
        Interlocked.Decrement(ref _open);
    }
}
