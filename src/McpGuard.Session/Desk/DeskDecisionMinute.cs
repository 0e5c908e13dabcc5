namespace McpGuard.Desk;

/// <summary>
/// How many <c>tools/call</c> decisions of one kind (<c>allow</c>, <c>deny</c>, … as <c>mcpguard.decisions</c> labels
/// them) a guard made in the minute starting at <paramref name="Minute"/>.
/// </summary>
internal sealed record DeskDecisionMinute(DateTimeOffset Minute, string Decision, long Count);
