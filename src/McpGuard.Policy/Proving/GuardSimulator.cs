using McpGuard.Policy.Decide;
using McpGuard.Policy.Json;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Pins;

namespace McpGuard.Policy.Proving;

/// <summary>
/// Decides calls as a running guard would, through the same <see cref="CallDecider"/> — hidden → "Unknown tool";
/// the policy's verdict; limits counted when a call would be forwarded — on its own clock and its own fresh,
/// in-memory counters. It never touches the counters of a real guard, whatever store the policy names. It has no
/// server: every name counts as listed (<see cref="ToolSight.Assumed"/>), classed by its name under
/// <paramref name="serverName"/>, the name a server would report for itself (it picks the vendor catalogue).
/// </summary>
internal sealed class GuardSimulator(CompiledPolicy policy, DateTimeOffset start, string? serverName = null)
{
    private readonly ManualClock _clock = new(start);

    /// <summary>Always fresh counters in memory, whatever the policy's own state settings say.</summary>
    private PolicyEngine Engine => field ??= new PolicyEngine(policy, _clock);

    public DateTimeOffset Now => _clock.GetUtcNow();

    public void Advance(TimeSpan by) => _clock.Advance(by);

    /// <summary>Moves the clock to a recorded time (never backwards).</summary>
    public void MoveTo(DateTimeOffset time) => _clock.MoveTo(time);

    /// <summary>
    /// Clears one entry's counters (<c>tools.NAME</c>, or <c>limits</c> for the global rate limit), as
    /// <c>mcpguard limits --reset</c> does in a guard's store; returns how many were live.
    /// </summary>
    public int ResetLimit(string entry)
    {
        var pending = Engine.Counters.ResetAsync(policy.CounterNamespace, entry, CancellationToken.None);
        return pending.IsCompletedSuccessfully
            ? pending.Result
            : throw new InvalidOperationException("the simulator's memory counters answered later than at once");
    }

    /// <summary>
    /// Every argument path <see cref="Decide"/> would read for this call, without deciding it or counting
    /// anything: none means the decision does not depend on the arguments at all. Limits are not consulted, so a
    /// budget's argument is listed whenever the call would be counted.
    /// </summary>
    public IReadOnlyList<ArgumentPath> ArgumentsRead(ToolRequest request, bool approved = false)
    {
        var read = new List<ArgumentPath>();
        if (CallDecider.Decide(policy, Facts(request, approved), argumentsRead: read) is CallDecision.Allow)
        {
            read.AddRange(CountedPaths(request.ToolName));
        }

        return read;
    }

    /// <param name="approved">
    /// What a person would answer if the call needs approval: true counts and forwards it (as an approval does
    /// in a guard), false leaves it at <see cref="CallVerdict.RequireApproval"/>, not forwarded and not counted.
    /// </param>
    /// <param name="argumentsRead">When given, receives every argument path the decision read (conditions,
    /// budget).</param>
    public SimulatedDecision Decide(
        ToolRequest request, bool approved = false, List<ArgumentPath>? argumentsRead = null)
    {
        var decision = CallDecider.Decide(policy, Facts(request, approved), argumentsRead: argumentsRead);
        if (decision is not CallDecision.Allow allow)
        {
            var policyDecision = decision switch
            {
                CallDecision.Unknown unknown => unknown.Decision,
                CallDecision.Refuse refuse => refuse.Decision,
                CallDecision.Ask ask => ask.Decision,
                _ => null,
            };
            var ruleId = policyDecision?.RuleId ?? RuleId.Hide;
            return new SimulatedDecision
            {
                Verdict = decision.Verdict, RuleId = ruleId, Reason = policyDecision?.Reason, Reached = ruleId,
            };
        }

        // Counting reads the budget's argument and every per: path of the limits (a missing value is refused there).
        argumentsRead?.AddRange(CountedPaths(request.ToolName));

        // A fresh engine counts in memory, which answers at once: no waiting inside a proof.
        var pending = Engine.TryConsumeAsync(policy, allow.Request, CancellationToken.None);
        var limited = pending.IsCompletedSuccessfully
            ? pending.Result
            : throw new InvalidOperationException("the simulator's memory counters answered later than at once");
        return limited is not LimitOutcome.Refused
            ? new SimulatedDecision
            {
                Verdict = allow.Verdict,
                RuleId = allow.Decision.RuleId,
                Reason = allow.Decision.Reason,
                Reached = allow.Decision.RuleId,
                Forwarded = true,
            }
            : new SimulatedDecision
            {
                Verdict = CallVerdict.Deny,
                RuleId = limited.Decision.RuleId,
                Reason = limited.Decision.Reason,
                Reached = allow.Decision.RuleId,
            };
    }

    private CallFacts Facts(ToolRequest request, bool approved) => new()
    {
        ToolName = request.ToolName,
        Arguments = request.Arguments,
        Sight = request.Risk is null && request.Drift == PinDrift.None
            ? ToolSight.Assumed.ByName
            : new ToolSight.Assumed(request.Risk, request.Drift),
        ServerName = serverName,
        Answer = approved ? new PersonAnswer.Approved(Reason: null) : null,
    };

    private IEnumerable<ArgumentPath> CountedPaths(string toolName)
    {
        var entry = policy.FindEntry(toolName);
        var budget = entry?.Budget is { } spec ? [spec.Argument] : Array.Empty<ArgumentPath>();
        return budget
            .Concat(entry?.RateLimit?.Per ?? [])
            .Concat(entry?.Budget?.Per ?? [])
            .Concat(policy.GlobalRateLimit?.Per ?? []);
    }
}
