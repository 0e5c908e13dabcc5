namespace McpGuard.Policy.Limits;

/// <summary>
/// Whether the call being counted on this thread has other calls of its client in flight: a client that pipelines
/// rather than waiting for each answer. The session says so around its <c>TryConsumeAsync</c>; a store that can
/// group commits (SQLite) reads it to choose between deciding the call at once, on this thread, and queueing it for
/// the next group commit with the calls around it. A hint only: unset or wrong, every call is still counted
/// exactly, at worst alone or a few µs later.
/// </summary>
internal static class CallsBehind
{
    [ThreadStatic]
    private static bool t_waiting;

    public static bool Waiting
    {
        get => t_waiting;
        set => t_waiting = value;
    }
}
