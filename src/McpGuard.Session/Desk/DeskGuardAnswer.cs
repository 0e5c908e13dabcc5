namespace McpGuard.Desk;

/// <summary>
/// What a guard polling <c>GET /api/guard/requests/{id}</c> hears: the state and the desk's proof of it.
/// </summary>
internal sealed record DeskGuardAnswer(string State, string Proof);
