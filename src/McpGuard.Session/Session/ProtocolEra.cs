namespace McpGuard.Session;

/// <summary>
/// The protocol era one request belongs to, which decides the shape of everything the guard writes in answer
/// (docs/relay.md#both-protocol-eras).
/// </summary>
internal enum ProtocolEra
{
    /// <summary>
    /// 2024-11-05 to 2025-11-25: an initialize handshake, server→client requests, bare notifications.
    /// </summary>
    Legacy,

    /// <summary>
    /// 2026-07-28 and later: every request carries its revision in <c>params._meta</c>; results carry
    /// <c>resultType</c>.
    /// </summary>
    Modern,
}
