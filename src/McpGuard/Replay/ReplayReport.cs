using McpGuard.Policy.Decide;
using McpGuard.Policy.Proving;

namespace McpGuard.Replay;

/// <summary>What a policy would have decided on a recorded log, call by call, and the counts old → new.</summary>
internal sealed record ReplayReport
{
    public required IReadOnlyList<ReplayedCall> Calls { get; init; }

    public required int NotJudged { get; init; }

    public required int Malformed { get; init; }

    public IEnumerable<ReplayedCall> Changed => Calls.Where(c => c.Changed);

    public IEnumerable<ReplayedCall> NotReplayable => Calls.Where(c => !c.Replayed);

    /// <summary>
    /// How many replayed calls went from each old decision to each new one, in the order of the words.
    /// </summary>
    public IReadOnlyList<(CallVerdict From, CallVerdict To, int Count)> Transitions =>
    [
        .. Calls.Where(c => c.Replayed)
            .GroupBy(c => (
                From: DecisionWords.Proven(c.Recorded.Verdict),
                To: DecisionWords.Proven(c.Decision!.Verdict)))
            .OrderBy(g => g.Key.From).ThenBy(g => g.Key.To)
            .Select(g => (g.Key.From, g.Key.To, g.Count())),
    ];
}
