using McpGuard.Policy.Json;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Pins;
using McpGuard.Policy.Risk;
using McpGuard.Policy.Tools;

namespace McpGuard.Policy;

/// <summary>
/// The live policy of one guard: the current compiled policy plus where its limits count. Thread-safe. <see
/// cref="Evaluate"/> is pure and never counts; <see cref="TryConsumeAsync"/> counts, when a call is forwarded. Built
/// without a store, it counts in a fresh memory store of its own (<c>explain</c>, <c>test</c> and <c>replay</c> never
/// touch a user's real counters); <c>scope: session</c> limits always count in this engine's memory.
/// </summary>
internal sealed partial class PolicyEngine
{
    private readonly MemoryCounterStore _session = new();
    private readonly GiveUpSlices _giveUps;
    private volatile CompiledPolicy _policy;

    public PolicyEngine(CompiledPolicy policy, TimeProvider? timeProvider = null, ICounterStore? counters = null)
    {
        _policy = policy;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Counters = counters ?? new MemoryCounterStore();
        _giveUps = new GiveUpSlices(TimeProvider);
    }

    public CompiledPolicy Policy => _policy;

    public TimeProvider TimeProvider { get; }

    /// <summary>The store of <c>scope: shared</c> counters (the policy's <c>state</c>).</summary>
    public ICounterStore Counters { get; }

    public bool IsHidden(string toolName) => _policy.IsHidden(toolName);


    public PolicyDecision Evaluate(ToolRequest request) => PolicyEvaluator.Evaluate(_policy, request, trace: null);

    /// <summary>
    /// <see cref="Evaluate(ToolRequest)"/>, also collecting the argument paths its conditions read, so a caller
    /// holding incomplete arguments (a redacted audit record) can tell whether the decision depended on them.
    /// </summary>
    public PolicyDecision Evaluate(ToolRequest request, List<ArgumentPath> argumentsRead) =>
        PolicyEvaluator.Evaluate(_policy, request, trace: null, argumentsRead);

    /// <summary>The decision and every step that led to it, for <c>mcpguard explain</c>.</summary>
    public PolicyExplanation Explain(ToolRequest request)
    {
        var trace = new List<string>();
        var decision = PolicyEvaluator.Evaluate(_policy, request, trace);
        return new PolicyExplanation(decision, trace);
    }

    /// <summary>
    /// Swaps in a new policy atomically. Counters are found by identity, never by policy text, so every limit whose
    /// window is unchanged keeps its count. Returns whether what is hidden changed.
    /// </summary>
    public bool Reload(CompiledPolicy next)
    {
        var previous = Interlocked.Exchange(ref _policy, next);
        return !previous.Hide.Select(g => g.Pattern)
                .SequenceEqual(next.Hide.Select(g => g.Pattern), StringComparer.Ordinal)
            || !previous.HiddenRiskClasses.SetEquals(next.HiddenRiskClasses)
            || previous.Catalogue != next.Catalogue
            || !previous.RiskOverrides.OrderBy(p => p.Key, StringComparer.Ordinal)
                .SequenceEqual(next.RiskOverrides.OrderBy(p => p.Key, StringComparer.Ordinal))
            || previous.Pins != next.Pins || (next.PinnedTools is { } pins && !pins.SameAs(previous.PinnedTools));
    }

    /// <summary>What the policy does with a tool, in a few words, for <c>mcpguard tools</c>.</summary>
    /// <param name="serverName">The server's self-reported name, which picks its vendor risk catalogue.</param>
    public ToolPolicySummary Describe(
        string toolName, ToolHints? hints, string? serverName, PinDrift drift = PinDrift.None) =>
        PolicyEvaluator.Describe(_policy, toolName, hints, serverName, drift);
}
