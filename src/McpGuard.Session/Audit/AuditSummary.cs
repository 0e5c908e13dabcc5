namespace McpGuard.Audit;

/// <summary>What <c>mcpguard audit</c> reports about one log.</summary>
internal sealed record AuditSummary
{
    public required string Source { get; init; }

    public DateTimeOffset? Since { get; init; }

    public long Lines { get; init; }

    /// <summary>
    /// Lines that are audit records (of any type, before <see cref="Since"/> too): none in a file with lines means
    /// the file is not an audit log.
    /// </summary>
    public long Records { get; init; }

    /// <summary>Decision records read, an approval's answer included (the asked call has two).</summary>
    public long Decisions { get; init; }

    /// <summary>Calls, each counted once under how it ended: the sum of the tool table's totals.</summary>
    public long Calls => Tools.Sum(t => t.Total);

    /// <summary>Outcome records: one per forwarded call, answered or cancelled by the client.</summary>
    public long Outcomes { get; init; }

    /// <summary>Lines that are not a JSON object with a known type, a time and the fields that type needs.</summary>
    public long Malformed { get; init; }

    /// <summary>The first few malformed line numbers (1-based).</summary>
    public IReadOnlyList<long> MalformedLines { get; init; } = [];

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public int Sessions { get; init; }

    /// <summary>
    /// Per tool, how many calls ended in each decision; monitor-mode decisions are keyed <c>monitor:NAME</c>.
    /// </summary>
    public IReadOnlyList<AuditToolCounts> Tools { get; init; } = [];

    /// <summary>The latest calls that were not forwarded, oldest first.</summary>
    public IReadOnlyList<AuditDenial> LatestDenials { get; init; } = [];

    public required AuditApprovalCounts Approvals { get; init; }

    public long OutcomeErrors { get; init; }

    /// <summary>Forwarded calls the client cancelled before their answer (counted in <see cref="Outcomes"/>).</summary>
    public long OutcomeCancelled { get; init; }

    /// <summary>
    /// Late answers: the server answered a call after the client cancelled it (<c>late_answer</c> records, not
    /// counted in <see cref="Outcomes"/>); <see cref="LateAnswerErrors"/> of them were errors.
    /// </summary>
    public long LateAnswers { get; init; }

    public long LateAnswerErrors { get; init; }

    public double? MedianDurationMs { get; init; }

    public double? MaxDurationMs { get; init; }
}
