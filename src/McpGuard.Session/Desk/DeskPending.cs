namespace McpGuard.Desk;

/// <summary>A request waiting on the desk, as the page shows it.</summary>
internal sealed record DeskPending(
    string Id,
    string Server,
    string Tool,
    string Arguments,
    string RuleId,
    string? Reason,
    DateTimeOffset Received,
    DateTimeOffset Deadline,
    string? Changes = null)
{
    /// <summary>Who asks: serve's agent, or the local user under run (absent from older guards).</summary>
    public string? Agent { get; init; }
}
