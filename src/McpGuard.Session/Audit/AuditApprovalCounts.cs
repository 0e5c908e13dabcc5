namespace McpGuard.Audit;

/// <summary>How the calls that needed a human ended; <see cref="Unresolved"/> had no answer in the log.</summary>
internal sealed record AuditApprovalCounts(
    long Requested, long Approved, long Refused, long Cancelled, long Unresolved);
