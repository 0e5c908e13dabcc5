namespace McpGuard.Policy.Settings;

/// <summary>The <c>audit</c> block.</summary>
internal sealed record AuditSettings
{
    public static AuditSettings Default { get; } = new();

    /// <summary>The audit log path as written (may start with <c>~</c>), or null for no audit log.</summary>
    public string? Path { get; init; }

    public AuditArgumentsMode Arguments { get; init; } = AuditArgumentsMode.Redact;
}
