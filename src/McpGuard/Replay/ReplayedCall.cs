using McpGuard.Policy.Decide;
using McpGuard.Policy.Json;
using McpGuard.Policy.Proving;

namespace McpGuard.Replay;

/// <summary>
/// One recorded call decided again: the new decision, or the argument paths it would need that the record lacks.
/// </summary>
internal sealed record ReplayedCall
{
    public required RecordedCall Recorded { get; init; }

    /// <summary>Null when the call could not be replayed (see <see cref="MissingArguments"/>).</summary>
    public SimulatedDecision? Decision { get; init; }

    /// <summary>The paths the new policy reads whose values the record does not hold in full.</summary>
    public IReadOnlyList<ArgumentPath> MissingArguments { get; init; } = [];

    public bool Replayed => Decision is not null;

    public bool Changed => Decision is { } decision
        && DecisionWords.Proven(decision.Verdict) != DecisionWords.Proven(Recorded.Verdict);
}
