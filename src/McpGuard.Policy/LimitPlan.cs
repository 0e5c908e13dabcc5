using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using McpGuard.Policy.Json;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Tools;
using McpGuard.Policy.Values;

namespace McpGuard.Policy;

/// <summary>
/// The counters one call needs, in the order they are checked (the entry's rate limit, the global rate limit,
/// the entry's budget), split by where they count (<c>scope: agent</c> counts in the store, per agent). Building
/// it reads the call's arguments, and fails closed as
/// <c>when</c> does: a budget's amount must be one strict number of 0 or more (a negative one would make room),
/// and every <c>per</c> argument must be there, a string, number or boolean of at most 256 characters.
/// </summary>
internal sealed record LimitPlan(IReadOnlyList<PlannedLimit> Shared, IReadOnlyList<PlannedLimit> Session)
{
    public const int MaxPerValueLength = 256;

    /// <summary>The most limits one call has: its entry's rate limit, the global rate limit and its entry's budget.
    /// </summary>
    private const int MaxLimits = 3;

    /// <summary>What <see cref="Shared"/> asks of the store, in its order: made with the plan, once.</summary>
    public IReadOnlyList<CounterDemand> SharedDemands { get; } = DemandsOf(Shared);

    /// <summary>What <see cref="Session"/> asks of the session's counters, in its order.</summary>
    public IReadOnlyList<CounterDemand> SessionDemands { get; } = DemandsOf(Session);

    public static LimitPlan None { get; } = new([], []);

    public bool IsEmpty => Shared.Count == 0 && Session.Count == 0;

    /// <summary>The first budget this call's amount alone is over: no window, no approval lets it in.</summary>
    public PlannedLimit? NeverFits =>
        Shared.Concat(Session).FirstOrDefault(l => l.Budget is not null && l.Demand.Amount > l.Demand.Max);

    /// <param name="agent">Who calls: the last <c>per</c> value of <c>scope: agent</c> counters.</param>
    public static bool TryBuild(
        CompiledPolicy policy, ToolEntry? entry, JsonElement arguments, string? agent,
        [NotNullWhen(true)] out LimitPlan? plan, [NotNullWhen(false)] out LimitRefusal? refusal)
    {
        plan = None;
        refusal = null;
        if (entry?.RateLimit is null && entry?.Budget is null && policy.GlobalRateLimit is null)
        {
            return true;
        }

        var ns = policy.CounterNamespace;

        // Gathered in place and copied once into arrays of the right length: a list was one object more per call.
        var limits = new GatheredLimits();
        var count = 0;
        if (entry?.RateLimit is { } rate)
        {
            if (policy.FixedRates.For(entry) is { } fixedRate)
            {
                limits[count++] = fixedRate;
            }
            else if (!TryPer(
                rate.Per, arguments, entry.Pattern.Pattern, CounterKind.Rate, rate.Window, out var per, out refusal))
            {
                return false;
            }
            else
            {
                limits[count++] = FixedRates.Plan(
                    ns, entry.Id.Text, rate, LimitScope.Entry, entry.Pattern.Pattern,
                    PerAgent(per, rate.Scope, agent));
            }
        }

        if (policy.GlobalRateLimit is { } global)
        {
            if (policy.FixedRates.Global is { } fixedGlobal)
            {
                limits[count++] = fixedGlobal;
            }
            else if (!TryPer(global.Per, arguments, CounterId.GlobalEntry, CounterKind.Rate, global.Window,
                out var per, out refusal))
            {
                refusal = refusal with { Scope = LimitScope.Global };
                return false;
            }
            else
            {
                limits[count++] = FixedRates.Plan(
                    ns, CounterId.GlobalEntry, global, LimitScope.Global, CounterId.GlobalEntry,
                    PerAgent(per, global.Scope, agent));
            }
        }

        if (entry?.Budget is { } budget)
        {
            if (BudgetValue(budget.Argument, arguments) is not { } value
                || PolicyValue.ArgumentNumber(value) is not { } amount
                || amount < StrictDecimal.Zero)
            {
                refusal = new LimitRefusal(
                    LimitScope.Entry,
                    $"the budget of {entry.Pattern.Pattern} needs argument '{budget.Argument}' as a strict number of " +
                    "0 or more.",
                    null)
                {
                    Limit = new(entry.Pattern.Pattern, CounterKind.Budget, budget.Window),
                };
                return false;
            }

            if (!policy.FixedBudgets.TryGet(entry, out var id))
            {
                if (!TryPer(budget.Per, arguments, entry.Pattern.Pattern, CounterKind.Budget, budget.Window,
                    out var per, out refusal))
                {
                    return false;
                }

                id = new CounterId(
                    ns, entry.Id.Text, CounterKind.Budget, budget.Window, PerAgent(per, budget.Scope, agent));
            }

            var demand = new CounterDemand(id, amount, budget.Max);
            limits[count++] =
                new PlannedLimit(demand, LimitScope.Entry, budget.Scope, entry.Pattern.Pattern, null, budget);
        }

        plan = Split(((ReadOnlySpan<PlannedLimit>)limits)[..count]);
        return true;
    }

    /// <summary><c>scope: agent</c>: the agent after the <c>per</c> values, so each agent has a counter.</summary>
    private static ImmutableArray<string> PerAgent(ImmutableArray<string> per, CounterScope scope, string? agent) =>
        scope == CounterScope.Agent ? per.Add(agent ?? "") : per;

    /// <summary>
    /// The values of the <c>per</c> paths, in order. Argument values stay out of the reason (it reaches the audit log).
    /// </summary>
    private static bool TryPer(
        IReadOnlyList<ArgumentPath> paths, JsonElement arguments, string owner, CounterKind kind, TimeSpan window,
        out ImmutableArray<string> per, [NotNullWhen(false)] out LimitRefusal? refusal)
    {
        per = [];
        refusal = null;
        if (paths.Count == 0)
        {
            return true;
        }

        var values = ImmutableArray.CreateBuilder<string>(paths.Count);
        foreach (var path in paths)
        {
            var found = path.ResolveSingle(arguments, out var value) == ArgumentLookup.Found;
            if (!found || PerValue(value) is not { Length: <= MaxPerValueLength } text)
            {
                refusal = new LimitRefusal(
                    LimitScope.Entry,
                    $"the {(kind == CounterKind.Budget ? "budget" : "rate limit")} of {owner} counts per '{path}', " +
                    $"so it needs that argument as a string, number or boolean of at most {MaxPerValueLength} " +
                    "characters.",
                    null)
                {
                    Limit = new(owner, kind, window),
                };
                return false;
            }

            values.Add(text);
        }

        per = values.MoveToImmutable();
        return true;
    }

    /// <summary>
    /// A <c>per</c> value as its counter knows it: numbers by value (<c>1</c>, <c>1.0</c> and <c>"1"</c> are one
    /// counter), strings exactly.
    /// </summary>
    private static string? PerValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number or JsonValueKind.String when PolicyValue.ArgumentNumber(value) is { } number =>
            Canonical(number),
        JsonValueKind.String => JsonText.TryGetString(value),
        _ => null,
    };

    private static string Canonical(StrictDecimal number)
    {
        var text = number.ToString();
        if (text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        return text == "-0" ? "0" : text;
    }

    /// <summary>
    /// Shared and session counters apart, in order; most policies count everything in one of them, so the limits are
    /// kept whole then.
    /// </summary>
    private static LimitPlan Split(ReadOnlySpan<PlannedLimit> limits)
    {
        var shared = 0;
        foreach (var limit in limits)
        {
            shared += limit.Storage != CounterScope.Session ? 1 : 0;
        }

        if (shared == limits.Length)
        {
            return new LimitPlan(limits.ToArray(), []);
        }

        if (shared == 0)
        {
            return new LimitPlan([], limits.ToArray());
        }

        var (sharedLimits, sessionLimits) = (new List<PlannedLimit>(shared), new List<PlannedLimit>());
        foreach (var limit in limits)
        {
            (limit.Storage != CounterScope.Session ? sharedLimits : sessionLimits).Add(limit);
        }

        return new LimitPlan(sharedLimits, sessionLimits);
    }

    private static CounterDemand[] DemandsOf(IReadOnlyList<PlannedLimit> limits)
    {
        if (limits.Count == 0)
        {
            return [];
        }

        var demands = new CounterDemand[limits.Count];
        for (var i = 0; i < demands.Length; i++)
        {
            demands[i] = limits[i].Demand;
        }

        return demands;
    }

    [InlineArray(MaxLimits)]
    private struct GatheredLimits
    {
        private PlannedLimit _first;
    }

    /// <summary>The one value a budget sums for this call, or null when there is not exactly one.</summary>
    private static JsonElement? BudgetValue(ArgumentPath path, JsonElement arguments)
    {
        if (path.IsSingle)
        {
            return path.ResolveSingle(arguments, out var single) == ArgumentLookup.Found ? single : null;
        }

        var values = new List<JsonElement>();
        return path.Resolve(arguments, values) == ArgumentLookup.Found && values.Count == 1 ? values[0] : null;
    }
}
