namespace McpGuard.Replay;

/// <summary>
/// A person's <c>mcpguard limits --reset</c> in an audit log (a <c>limits_reset</c> record, docs/audit.md): the
/// counters of one entry cleared at that point of the log.
/// </summary>
internal sealed record RecordedReset
{
    /// <summary>The counter entry: <c>tools.place_order</c>, or <c>limits</c> for the global rate limit.</summary>
    public required string Entry { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>Its line (1-based): the calls recorded before it counted before the reset.</summary>
    public required long Line { get; init; }
}
