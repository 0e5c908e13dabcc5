namespace McpGuard.Telemetry;

/// <summary>
/// What a session's traced requests share on their spans (docs/telemetry.md): the client's and the server's
/// <c>network.transport</c>, the guard's own <c>mcp.session.id</c>, and the session's agent (<c>mcpguard.agent</c>).
/// Made once a session and referenced by each of its <see cref="RequestTrace"/>s, so the export thread also tells a
/// request of a kept shape by one reference (<see cref="SpanShapes"/>).
/// </summary>
/// <param name="ServerTransport">The transport to the server, on the CLIENT span (<c>run --url</c>: pipe in, tcp
/// out).</param>
internal sealed record TraceSession(string Transport, string ServerTransport, string? SessionId, string? Agent)
{
    /// <summary>A record's before it is traced: nothing on it reads it.</summary>
    public static readonly TraceSession None = new("", "", null, null);
}
