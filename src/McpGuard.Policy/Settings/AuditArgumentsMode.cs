namespace McpGuard.Policy.Settings;

// Public only because test theories take it as a parameter, and xunit test classes must be public.
public enum AuditArgumentsMode
{
    Full,
    Redact,
    Hash,
    None,
}
