namespace McpGuard.Audit;

internal sealed record AuditDenial(
    DateTimeOffset Time, string Tool, string Decision, string? Rule, string? Reason, bool Monitor);
