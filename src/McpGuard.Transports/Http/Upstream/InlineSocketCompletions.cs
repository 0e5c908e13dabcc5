namespace McpGuard.Http.Upstream;

/// <summary>
/// For <c>--url</c> (<c>run</c> and <c>serve</c>): socket completions continue on the socket engine's threads
/// (as many as the machine has cores) instead of being queued to the thread pool. A request is then judged,
/// counted and sent upstream on the thread that saw it arrive, and the upstream's answer is judged and written to
/// the client (stdout, or the waiting HTTP response) on the thread that saw that arrive; through the pool each
/// completion woke a worker, which woke another in case more work came (futex calls per call, strace: run --url
/// 6.5–7.6 before, 0 after; serve --url 11.5, then 8.1 with its answers written inline, 0.06 with this too). What
/// runs there never blocks on another socket: every wait on the path is asynchronous. <c>serve</c> in front of a
/// child does not do this: a write to a child's stdin can block.
/// </summary>
internal static class InlineSocketCompletions
{
    /// <summary>Read by .NET once, when the process's first socket operation starts the engine.</summary>
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Call before anything in the process uses a socket (counter store, telemetry, upstream).</summary>
    public static void Enable() => Environment.SetEnvironmentVariable(Variable, "1");
}
