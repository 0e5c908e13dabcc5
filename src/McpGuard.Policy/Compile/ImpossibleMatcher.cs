using McpGuard.Policy.Conditions;
using McpGuard.Policy.Values;

namespace McpGuard.Policy.Compile;

/// <summary>
/// A matcher no argument value can meet (<c>{ gte: 5, lte: 1 }</c>, <c>{ eq: 3, ne: 3 }</c>, <c>{ in: [1, 2],
/// gt: 5 }</c>): its rule could never apply, which is a mistake in the file, not a decision. Only what is certain
/// is reported: values whose kinds differ (a quoted "1" beside a number 1) may still meet one argument.
/// </summary>
internal static class ImpossibleMatcher
{
    /// <summary>Why no value meets all <paramref name="operators"/> together, or null when one can.</summary>
    public static string? Why(IReadOnlyList<ConditionOperator> operators)
    {
        if (operators.Any(o => o.Kind == ConditionOperatorKind.Exists && o.Value.Boolean == false))
        {
            // exists: false holds on a missing argument, whatever else is written.
            return null;
        }

        var (lower, upper) = Bounds(operators);
        if (lower is { } l && upper is { } u)
        {
            var order = l.Value.CompareTo(u.Value);
            if (order > 0 || (order == 0 && !(l.Inclusive && u.Inclusive)))
            {
                return $"no number is {l.Word} and {u.Word}";
            }
        }

        var eq = operators.FirstOrDefault(o => o.Kind == ConditionOperatorKind.Eq);
        var inList = operators.FirstOrDefault(o => o.Kind == ConditionOperatorKind.In);
        if (eq is null && inList is null)
        {
            return null;
        }

        IEnumerable<PolicyValue> candidates = eq is not null ? [eq.Value] : inList!.Values;
        if (eq is not null && inList is not null && inList.Values.All(v => Disjoint(eq.Value, v)))
        {
            return $"{eq} is not one of {inList}";
        }

        var excluded = operators
            .Where(o => o.Kind is ConditionOperatorKind.Ne or ConditionOperatorKind.NotIn)
            .SelectMany(o => o.Values)
            .ToList();
        var left = candidates.Where(v => !excluded.Any(x => Same(v, x)) && WithinBounds(v, lower, upper)).ToList();
        if (left.Count > 0)
        {
            return null;
        }

        var asked = eq is not null ? eq.ToString() : inList!.ToString();
        var against = operators.Where(o => o.Kind is ConditionOperatorKind.Ne or ConditionOperatorKind.NotIn
            || ConditionOperatorWords.IsNumeric(o.Kind));
        return $"no value meets {asked} and {string.Join(" and ", against)}";
    }

    private static (Bound? Lower, Bound? Upper) Bounds(IReadOnlyList<ConditionOperator> operators)
    {
        Bound? lower = null, upper = null;
        foreach (var op in operators.Where(o => ConditionOperatorWords.IsNumeric(o.Kind)))
        {
            var bound = new Bound(
                op.Value.Number!.Value, op.Kind is ConditionOperatorKind.Gte or ConditionOperatorKind.Lte,
                op.ToString());
            if (op.Kind is ConditionOperatorKind.Gt or ConditionOperatorKind.Gte)
            {
                lower = lower is { } l && Tighter(l, bound, +1) ? l : bound;
            }
            else
            {
                upper = upper is { } u && Tighter(u, bound, -1) ? u : bound;
            }
        }

        return (lower, upper);
    }

    /// <summary>Whether <paramref name="kept"/> is at least as tight as <paramref name="other"/>.</summary>
    private static bool Tighter(Bound kept, Bound other, int direction)
    {
        var order = kept.Value.CompareTo(other.Value) * direction;
        return order > 0 || (order == 0 && !kept.Inclusive);
    }

    private static bool WithinBounds(PolicyValue value, Bound? lower, Bound? upper)
    {
        if (lower is null && upper is null)
        {
            return true;
        }

        // An argument equal to this value must also compare as a number: a quoted "0.5" matches only the string
        // "0.5", which is one; a boolean or other text never is.
        StrictDecimal? number = value.Number ?? (value.Boolean is null
            && StrictDecimal.TryParseStrict(value.Text, out var parsed) ? parsed : null);
        if (number is not { } n)
        {
            return false;
        }

        return (lower is not { } l || n.CompareTo(l.Value) is var below && (below > 0 || (below == 0 && l.Inclusive)))
            && (upper is not { } u || n.CompareTo(u.Value) is var above && (above < 0 || (above == 0 && u.Inclusive)));
    }

    /// <summary>Two values every argument meets both or neither of (only values of one kind are known so).</summary>
    private static bool Same(PolicyValue a, PolicyValue b) => (a.Number, b.Number, a.Boolean, b.Boolean) switch
    {
        ({ } x, { } y, _, _) => x.CompareTo(y) == 0,
        (null, null, { } x, { } y) => x == y,
        (null, null, null, null) => string.Equals(a.Text, b.Text, StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>Two values no argument meets both of (only values of one kind are known so).</summary>
    private static bool Disjoint(PolicyValue a, PolicyValue b) => (a.Number, b.Number, a.Boolean, b.Boolean) switch
    {
        ({ } x, { } y, _, _) => x.CompareTo(y) != 0,
        (null, null, { } x, { } y) => x != y,
        (null, null, null, null) => !string.Equals(a.Text, b.Text, StringComparison.Ordinal),
        _ => false,
    };

    private readonly record struct Bound(StrictDecimal Value, bool Inclusive, string Word);
}
