namespace McpGuard.Desk;

/// <summary>One line of the live feed: what became of a request (approved, denied, expired, withdrawn).</summary>
internal sealed record DeskDecision(string Id, string Server, string Tool, string Outcome, DateTimeOffset At);
