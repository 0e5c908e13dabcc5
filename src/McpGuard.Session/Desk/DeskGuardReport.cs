namespace McpGuard.Desk;

/// <summary>
/// What a running guard tells the desk about itself (<c>POST /api/guard/reports/{id}</c>): the same picture its
/// metrics give a dashboard — each limit's use (the limit gauges) and its <c>tools/call</c> decisions per minute
/// (the decisions counter) — for people without a metrics stack (docs/approval.md#the-picture). The server name
/// comes from the client's config and entries from the policy: the page prints all of it inert.
/// </summary>
internal sealed record DeskGuardReport(
    string Server, IReadOnlyList<DeskLimitUse> Limits, IReadOnlyList<DeskDecisionMinute> Minutes)
{
    /// <summary>More than a policy has limits, or 15 minutes have decision words: a bigger report is refused.</summary>
    public const int MaxRows = 500;

    public bool IsBounded => Limits.Count <= MaxRows && Minutes.Count <= MaxRows && Server.Length <= 200;
}
