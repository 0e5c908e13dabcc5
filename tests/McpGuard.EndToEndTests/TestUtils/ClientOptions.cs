using ModelContextProtocol.Client;

namespace McpGuard.EndToEndTests.TestUtils;

internal static class ClientOptions
{
    private static readonly TimeSpan SdkProbeDeadline = new McpClientOptions().DiscoverProbeTimeout;

    /// <summary>
    /// The options with no separate deadline on the SDK client's opening <c>server/discover</c> probe, unless the test
    /// set one of its own. The SDK gives the probe 5 s, then cancels it and sends <c>initialize</c>; the guard's first
    /// answer waits on its start and its child's, which under CI's load (30-70 on two cores) took longer, and the
    /// fallback then failed where the test was not about it (a 2026-07-28-only server refuses <c>initialize</c>).
    /// The handshake's own <see cref="McpClientOptions.InitializationTimeout"/> still bounds the wait.
    /// </summary>
    public static McpClientOptions Patient(McpClientOptions? options)
    {
        options ??= new McpClientOptions();
        if (options.DiscoverProbeTimeout == SdkProbeDeadline)
        {
            options.DiscoverProbeTimeout = Timeout.InfiniteTimeSpan;
        }

        return options;
    }
}
