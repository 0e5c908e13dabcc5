namespace McpGuard.Http.Upstream;

/// <summary>
/// For <c>run --url</c> only: socket completions continue on the socket engine's thread instead of being queued to
/// the thread pool. The upstream's answer then goes through the session to the client's stdout on the thread that
/// saw it arrive; through the pool it woke a worker, which woke another in case more work came (futex calls per
/// call, strace: 6.5–7.6 before, 0 after). The one client's session is all this process serves, so nothing else
/// waits behind that thread; <c>serve</c> does not do this (its requests would all share one thread).
/// </summary>
internal static class InlineSocketCompletions
{
    /// <summary>Read by .NET once, when the process's first socket operation starts the engine.</summary>
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Call before anything in the process uses a socket (counter store, telemetry, upstream).</summary>
    public static void Enable() => Environment.SetEnvironmentVariable(Variable, "1");
}
