namespace McpGuard.Desk;

/// <summary>
/// What <c>GET /api/state</c> answers the page: the desk's clock, what waits, the live feed, and this desk
/// process's CSRF token. A restarted desk has a new token; a page left open picks it up here instead of being
/// refused with 403 forever. Only a page with the key cookie reads this, and another site cannot read the answer.
/// <paramref name="Guards"/> is the picture of the running guards that report to this desk, and
/// <paramref name="Departed"/> the decisions per minute of those that have gone, still in the chart's 15 minutes
/// (DeskReports.cs).
/// </summary>
internal sealed record DeskState(
    DateTimeOffset Now,
    IReadOnlyList<DeskPending> Pending,
    IReadOnlyList<DeskDecision> Decisions,
    string Csrf,
    IReadOnlyList<DeskGuardPicture> Guards,
    IReadOnlyList<DeskDecisionMinute> Departed);
