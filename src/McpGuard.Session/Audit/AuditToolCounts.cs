namespace McpGuard.Audit;

internal sealed record AuditToolCounts(string Tool, IReadOnlyDictionary<string, long> Decisions)
{
    public long Total => Decisions.Values.Sum();
}
