namespace McpGuard.Session;

/// <summary>
/// The top-level members of a JSON-RPC message that the guard reads, told apart by their raw names in one switch: a
/// chain of name comparisons that each handle escapes cost a few hundred instructions per member, twice per call
/// (the client's line and the server's answer). A name written with escapes (<c>"i\u0064"</c>) is decoded first, so
/// it still counts as the member it spells (<see cref="JsonRpcMembers"/>).
/// </summary>
internal enum JsonRpcMember
{
    Other,
    Version,
    Id,
    Method,
    Params,
    Result,
    Error,
}
