namespace McpGuard.Replay;

/// <summary>An audit log read for replay: the judged calls in order, and what was left out.</summary>
internal sealed record RecordedLog
{
    public required IReadOnlyList<RecordedCall> Calls { get; init; }

    /// <summary>The people's <c>limits --reset</c>s, in the log's order.</summary>
    public IReadOnlyList<RecordedReset> Resets { get; init; } = [];

    /// <summary>
    /// Calls the policy never judged (<c>unknown_tool</c>: the server did not list the name; <c>invalid</c> params).
    /// </summary>
    public required int NotJudged { get; init; }

    /// <summary>
    /// Lines that are not records this version can read (not JSON, or a decision without its fields).
    /// </summary>
    public required int Malformed { get; init; }

    /// <summary>
    /// Lines that are audit records of any type (decisions, outcomes, later types), malformed ones excluded.
    /// </summary>
    public required int Records { get; init; }

    /// <summary>Every line that is not blank.</summary>
    public required long Lines { get; init; }
}
