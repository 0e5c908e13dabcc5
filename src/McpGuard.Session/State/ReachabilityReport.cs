namespace McpGuard.State;

/// <summary>
/// Says each change of a store's reachability once: a connection that is down at start and then fails its next
/// attempts is one outage, not a line per attempt (and not one line for "not connected at start" and another for the
/// first failed reconnect). Thread-safe: the client library raises its events on its own threads.
/// </summary>
internal sealed class ReachabilityReport
{
    private int _down;

    /// <summary>True when this failure begins an outage (the first since the store was last reachable).</summary>
    public bool WentDown() => Interlocked.Exchange(ref _down, 1) == 0;

    /// <summary>True when this return ends an outage that was said.</summary>
    public bool CameBack() => Interlocked.Exchange(ref _down, 0) == 1;
}
