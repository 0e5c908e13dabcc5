namespace McpGuard.Http;

/// <summary>
/// A 2025-era session: the guard-minted <c>Mcp-Session-Id</c>, the agent that opened it (only that agent may use
/// it), and its own guarded child, started at <c>initialize</c> and ended with the session.
/// </summary>
internal sealed class LegacySession(
    string id, string agent, GatewayRelay relay, TimeProvider clock, CancellationToken revoked = default)
{
    private long _lastUsedTicks = clock.GetTimestamp();

    public string Id { get; } = id;

    public string Agent { get; } = agent;

    public GatewayRelay Relay { get; } = relay;

    /// <summary>
    /// The token that opened it was revoked: the session is over for every request from that moment, before the
    /// revocation has ended its streams and its child (docs/serve.md#agents).
    /// </summary>
    public bool Revoked => revoked.IsCancellationRequested;

    /// <summary>How long no request came; the idle sweep ends a session past <c>sessions.idle</c>.</summary>
    public TimeSpan Idle => clock.GetElapsedTime(Interlocked.Read(ref _lastUsedTicks));

    public void Touch() => Interlocked.Exchange(ref _lastUsedTicks, clock.GetTimestamp());
}
