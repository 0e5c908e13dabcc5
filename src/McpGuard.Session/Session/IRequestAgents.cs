namespace McpGuard.Session;

/// <summary>
/// Who sent one request, where one session carries several agents' requests: serve's shared 2026-07-28 child,
/// whose requests reach the session under the guard's own ids (docs/serve.md). The call's agent is then in its
/// audit records, its approval question and its <c>scope: agent</c> counters.
/// </summary>
internal interface IRequestAgents
{
    /// <summary>The agent that sent the request the session knows as <paramref name="id"/>; null if unknown.</summary>
    string? AgentOf(JsonRpcId id);

    /// <summary>
    /// The agent, and the request's id as its client sent it (JSON bytes), for the request's spans: the SERVER span is
    /// the client's request and names the client's id; null if unknown.
    /// </summary>
    (string Agent, byte[] ClientId)? SenderOf(JsonRpcId id);
}
