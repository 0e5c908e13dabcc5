namespace McpGuard.Audit;

/// <summary>
/// How much of a call's arguments a decision record holds (<c>arguments_recorded</c>, docs/audit.md).
/// </summary>
internal enum AuditArgumentsRecorded
{
    /// <summary>
    /// Every argument as received (also <c>redact</c> mode when nothing looked secret, and a call without arguments).
    /// </summary>
    Full,

    /// <summary>Some values were replaced by <c>"[redacted]"</c>; every other value is as received.</summary>
    Redacted,

    /// <summary>Only a hash of the arguments.</summary>
    Hash,

    /// <summary>
    /// The arguments are not in the record (mode <c>none</c>, or arguments that could not be encoded).
    /// </summary>
    None,
}
