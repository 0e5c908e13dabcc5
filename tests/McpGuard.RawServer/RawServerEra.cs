namespace McpGuard.RawServer;

/// <summary>The protocol eras a raw server speaks: the behaviours of real servers the guard must survive.</summary>
internal enum RawServerEra
{
    /// <summary>The 2025 era, lenient: anything is answered at any time (the relay tests' default).</summary>
    Legacy,

    /// <summary>
    /// The 2025 era as the Python SDK 1.9.3 serves it (the real Bybit server's lock): any request before
    /// <c>initialize</c>, <c>server/discover</c> included, kills its session without an answer, and the process exits
    /// with code 1 as soon as it reads another line (even an empty one) or EOF.
    /// </summary>
    ExitsBeforeInitialize,

    /// <summary>
    /// The 2026-07-28 era only: <c>initialize</c> (and any request without the <c>_meta</c> envelope) is refused
    /// with -32022, as the TypeScript SDK v2 serves a modern-only connection.
    /// </summary>
    ModernOnly,

    /// <summary>
    /// Both eras, decided per request: <c>initialize</c> opens a 2025 session, the envelope means 2026-07-28.
    /// </summary>
    BothEras,
}
