namespace McpGuard.Policy;

/// <summary>
/// The live policy of one guard: the current compiled policy plus the limit counters. Thread-safe.
/// Evaluation never counts; <see cref="TryConsume"/> counts, at the moment a call is forwarded.
/// </summary>
public sealed class PolicyEngine
{
    private volatile CompiledPolicy _policy;

    public PolicyEngine(CompiledPolicy policy, TimeProvider? timeProvider = null)
    {
        _policy = policy;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    public CompiledPolicy Policy => _policy;

    public TimeProvider TimeProvider { get; }

    public bool IsHidden(string toolName) => _policy.IsHidden(toolName);

    /// <summary>Hidden by name, or by the risk class the name and the server's hints give it.</summary>
    public bool IsHidden(string toolName, ToolHints? hints) => _policy.IsHidden(toolName);

    public PolicyDecision Evaluate(ToolRequest request)
    {
        var policy = _policy;
        if (policy.Tools.TryGetValue(request.ToolName, out var verdict))
        {
            return Decision(verdict, $"tools.{request.ToolName}");
        }

        return Decision(policy.Default, "default");
    }

    /// <summary>Counts a call that is about to be forwarded against its limits. Returns Allow, or Deny with retry-after.</summary>
    public PolicyDecision TryConsume(ToolRequest request) =>
        new() { Verdict = Verdict.Allow, RuleId = _policy.Tools.ContainsKey(request.ToolName) ? $"tools.{request.ToolName}" : "default" };

    /// <summary>Swaps in a new policy atomically. Returns whether the set of hidden tools may have changed.</summary>
    public bool Reload(CompiledPolicy next)
    {
        var previous = Interlocked.Exchange(ref _policy, next);
        return !previous.Hide.SequenceEqual(next.Hide, StringComparer.Ordinal);
    }

    private static PolicyDecision Decision(Verdict verdict, string ruleId) => new()
    {
        Verdict = verdict,
        RuleId = ruleId,
        Reason = verdict switch
        {
            Verdict.Deny => $"{ruleId} denies this tool.",
            Verdict.RequireApproval => $"{ruleId} requires approval.",
            _ => null,
        },
    };
}
