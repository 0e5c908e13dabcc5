namespace McpGuard.EndToEndTests.Serve;

/// <summary>The scale-out tests' policy: guards behind one proxy, sharing one Redis namespace of their own.</summary>
internal static class ScaleOutPolicy
{
    /// <summary>
    /// place_order at most twice an hour across every guard; the proxy's URL as the public one. The store's timeout is
    /// the longest (1m): with the default 2 s, a guard whose first connection to Redis or whose count took longer on a
    /// loaded machine would deny calls as if Redis were away (docs/limits.md), and fewer than two orders would run.
    /// </summary>
    public static string TwoOrdersAnHour(string redisUrl, int proxyPort) => $"""
        version: 1
        default: allow
        tools:
          place_order:
            rate_limit: {"{"} max: 2, window: 1h {"}"}
            action: allow
        state: {"{"} store: redis, url: {redisUrl}, namespace: scale-{Guid.NewGuid():n}, timeout: 1m {"}"}
        serve:
          public_url: http://127.0.0.1:{proxyPort}/mcp
        """;
}
