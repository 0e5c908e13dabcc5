namespace McpGuard.Stdio;

/// <summary>
/// Marks a pump's own thread (<see cref="StdioRelay"/>): one that blocks in <c>read(2)</c> anyway, so it may also
/// block for a <see cref="LineSink"/> another writer holds (the counter store's thread forwarding a burst's calls).
/// Awaited instead, the wait ended on a thread-pool worker (the semaphore resumes its waiters asynchronously), and
/// the pump went on from there for good: after one burst, every later line was read, judged and forwarded by a
/// pool thread blocked in <c>read(2)</c> (bench/HISTORY.md, issue 27, eighth session).
/// </summary>
internal static class PumpThread
{
    [ThreadStatic]
    private static bool t_isPump;

    /// <summary>True on a thread <see cref="MarkCurrent"/> was called on.</summary>
    public static bool IsCurrent => t_isPump;

    /// <summary>Marks the calling thread, a dedicated one that nothing else needs while it waits.</summary>
    public static void MarkCurrent() => t_isPump = true;
}
