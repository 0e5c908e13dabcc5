namespace McpGuard.Desk;

/// <summary>What <c>GET /api/state</c> answers the page: the desk's clock, what waits, and the live feed.</summary>
internal sealed record DeskState(DateTimeOffset Now, IReadOnlyList<DeskPending> Pending, IReadOnlyList<DeskDecision> Decisions);
