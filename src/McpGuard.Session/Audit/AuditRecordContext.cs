namespace McpGuard.Audit;

/// <summary>The fields every record of one guard run shares, plus the record's own time.</summary>
internal readonly record struct AuditRecordContext(string Session, string Server, DateTimeOffset Time);
