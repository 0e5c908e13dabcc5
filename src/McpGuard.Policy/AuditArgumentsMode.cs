namespace McpGuard.Policy;

public enum AuditArgumentsMode
{
    Full,
    Redact,
    Hash,
    None,
}
