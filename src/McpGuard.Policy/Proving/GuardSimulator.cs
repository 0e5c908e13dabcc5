namespace McpGuard.Policy.Proving;

/// <summary>
/// Decides calls as a running guard would — hidden → "Unknown tool"; the policy's verdict; limits counted when
/// a call would be forwarded — on its own clock and its own fresh, in-memory counters. It never touches the
/// counters of a real guard, whatever store the policy names.
/// </summary>
internal sealed class GuardSimulator
{
    private readonly ManualClock _clock;
    private readonly PolicyEngine _engine;
    private readonly CompiledPolicy _policy;

    public GuardSimulator(CompiledPolicy policy, DateTimeOffset start)
    {
        _policy = policy;
        _clock = new ManualClock(start);
        _engine = FreshEngine(policy, _clock);
    }

    public DateTimeOffset Now => _clock.GetUtcNow();

    public void Advance(TimeSpan by) => _clock.Advance(by);

    /// <summary>Moves the clock to a recorded time (never backwards).</summary>
    public void MoveTo(DateTimeOffset time) => _clock.MoveTo(time);

    /// <summary>
    /// The one place a proof builds an engine, so moving counters behind another store is one edit here:
    /// always fresh counters in memory, whatever the policy's own state settings say.
    /// </summary>
    private static PolicyEngine FreshEngine(CompiledPolicy policy, TimeProvider clock) => new(policy, clock);

    /// <summary>
    /// Every argument path <see cref="Decide"/> would read for this call, without deciding it or counting
    /// anything: none means the decision does not depend on the arguments at all. Limits are not consulted, so a
    /// budget's argument is listed whenever the call would be counted.
    /// </summary>
    public IReadOnlyList<ArgumentPath> ArgumentsRead(ToolRequest request, bool approved = false)
    {
        var read = new List<ArgumentPath>();
        if (_policy.IsHidden(request.ToolName, _policy.Classify(request)))
        {
            return read;
        }

        var decision = _engine.Evaluate(request, read);
        var forward = decision.Verdict == Verdict.Allow || (decision.Verdict == Verdict.RequireApproval && approved);
        if (forward && _policy.FindEntry(request.ToolName)?.Budget is { } budget)
        {
            read.Add(budget.Argument);
        }

        if (forward)
        {
            read.AddRange(PerPaths(request.ToolName));
        }

        return read;
    }

    /// <param name="approved">
    /// What a person would answer if the call needs approval: true counts and forwards it (as an approval does
    /// in a guard), false leaves it at <see cref="GuardVerdict.RequireApproval"/>, not forwarded and not counted.
    /// </param>
    /// <param name="argumentsRead">When given, receives every argument path the decision read (conditions, budget).</param>
    public SimulatedDecision Decide(ToolRequest request, bool approved = false, List<ArgumentPath>? argumentsRead = null)
    {
        if (_policy.IsHidden(request.ToolName, _policy.Classify(request)))
        {
            return new SimulatedDecision { Verdict = GuardVerdict.Unknown, RuleId = "hide", Reason = $"{request.ToolName} is hidden.", Reached = "hide" };
        }

        var decision = argumentsRead is null ? _engine.Evaluate(request) : _engine.Evaluate(request, argumentsRead);
        var forward = decision.Verdict == Verdict.Allow || (decision.Verdict == Verdict.RequireApproval && approved);
        if (!forward)
        {
            return new SimulatedDecision { Verdict = GuardVerdictText.FromVerdict(decision.Verdict), RuleId = decision.RuleId, Reason = decision.Reason, Reached = decision.RuleId };
        }

        // Counting reads the budget's argument (a non-number is refused there).
        if (argumentsRead is not null && _policy.FindEntry(request.ToolName)?.Budget is { } budget)
        {
            argumentsRead.Add(budget.Argument);
        }

        // ... and so does every per: path of the limits (a missing value is refused there too).
        argumentsRead?.AddRange(PerPaths(request.ToolName));

        // A fresh engine counts in memory, which answers at once: no waiting inside a proof.
        var pending = _engine.TryConsumeAsync(request, CancellationToken.None);
        var limited = pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("the simulator's memory counters answered later than at once");
        return limited is not LimitOutcome.Refused
            ? new SimulatedDecision
            {
                Verdict = GuardVerdictText.FromVerdict(decision.Verdict), RuleId = decision.RuleId, Reason = decision.Reason,
                Reached = decision.RuleId, Forwarded = true,
            }
            : new SimulatedDecision
            {
                Verdict = GuardVerdict.Deny, RuleId = limited.Decision.RuleId, Reason = limited.Decision.Reason, Reached = decision.RuleId,
            };
    }

    private IEnumerable<ArgumentPath> PerPaths(string toolName)
    {
        var entry = _policy.FindEntry(toolName);
        return (entry?.RateLimit?.Per ?? []).Concat(entry?.Budget?.Per ?? []).Concat(_policy.GlobalRateLimit?.Per ?? []);
    }
}
