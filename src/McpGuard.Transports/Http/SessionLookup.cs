namespace McpGuard.Http;

/// <summary>
/// What a GET or DELETE's <c>Mcp-Session-Id</c> header found: the calling agent's open 2025 session, or why not —
/// no header (405: only POST opens one), no such session of this agent (404), or a revision it does not take
/// or a header sent twice (400). A closed set, so finding a session never answers the request on the side; the
/// endpoint answers a miss in one place.
/// </summary>
internal abstract record SessionLookup
{
    private SessionLookup()
    {
    }

    public sealed record Found(LegacySession Session) : SessionLookup;

    /// <summary>The request names no session.</summary>
    public sealed record NoHeader : SessionLookup
    {
        public static NoHeader Instance { get; } = new();
    }

    /// <summary>The session is there, but the request's <c>MCP-Protocol-Version</c> is not one it takes.</summary>
    public sealed record UnsupportedRevision : SessionLookup
    {
        public static UnsupportedRevision Instance { get; } = new();
    }

    /// <summary>The request carries <c>Mcp-Session-Id</c> or <c>MCP-Protocol-Version</c> more than once.</summary>
    public sealed record Repeated(string Header) : SessionLookup;

    /// <summary>No open session of the calling agent has that id.</summary>
    public sealed record Unknown : SessionLookup
    {
        public static Unknown Instance { get; } = new();
    }
}
