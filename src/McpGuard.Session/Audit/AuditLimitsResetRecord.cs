namespace McpGuard.Audit;

/// <summary>
/// A person cleared a limit's counters with <c>mcpguard limits --reset</c> (docs/audit.md): written before the counters
/// are cleared.
/// </summary>
internal sealed record AuditLimitsResetRecord
{
    public required string CallId { get; init; }

    /// <summary>The counter entry: <c>tools.place_order</c>, or <c>limits</c> for the global rate limit.</summary>
    public required string Entry { get; init; }

    public required string Namespace { get; init; }

    /// <summary>The store in words (never a password).</summary>
    public required string Store { get; init; }

    /// <summary>How many counters of the entry were live, and what they held, just before the reset.</summary>
    public required int Counters { get; init; }

    public required string User { get; init; }
}
