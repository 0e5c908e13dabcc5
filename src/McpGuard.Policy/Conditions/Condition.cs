using System.Text.Json;
using McpGuard.Policy.Json;
using McpGuard.Policy.Values;

namespace McpGuard.Policy.Conditions;

/// <summary>
/// One key of a rule's <c>when</c>: an argument path and the operators its value must satisfy (all of them;
/// with <c>[*]</c>, every element). Anything that cannot be compared — a missing argument without <c>exists</c>,
/// a wrong type, a string that is not a strict number — is <see cref="ConditionState.CannotEvaluate"/>.
/// </summary>
internal sealed class Condition(ArgumentPath path, IReadOnlyList<ConditionOperator> operators)
{
    public ArgumentPath Path { get; } = path;

    public IReadOnlyList<ConditionOperator> Operators { get; } = operators;

    // Looked up once: conditions run on every call.
    private readonly ConditionOperator? _exists = operators.FirstOrDefault(o => o.Kind == ConditionOperatorKind.Exists);

    public ConditionOutcome Evaluate(JsonElement arguments)
    {
        if (Path.IsSingle)
        {
            // The common case (qty, order.qty): one value, found without a list.
            var lookup = Path.ResolveSingle(arguments, out var single);
            return Presence(lookup) ?? Test(single);
        }

        var values = new List<JsonElement>();
        if (Presence(Path.Resolve(arguments, values)) is { } decided)
        {
            return decided;
        }

        foreach (var value in values)
        {
            var outcome = Test(value);
            if (outcome.State != ConditionState.Holds)
            {
                return outcome;
            }
        }

        return ConditionOutcome.Holds;
    }

    /// <summary>
    /// Decides by presence alone (exists, or a missing argument), or null to go on and test the value.
    /// </summary>
    private ConditionOutcome? Presence(ArgumentLookup lookup)
    {
        if (lookup == ArgumentLookup.Unreadable)
        {
            return ConditionOutcome.Cannot(
                $"argument '{Path}' cannot be read: an object on its path has a key no string can hold");
        }

        var present = lookup == ArgumentLookup.Found;
        if (_exists is not null)
        {
            if (present != _exists.Value.Boolean)
            {
                return ConditionOutcome.Fails;
            }

            return present ? null : ConditionOutcome.Holds;
        }

        return present ? null : ConditionOutcome.Cannot($"argument '{Path}' is missing");
    }

    private ConditionOutcome Test(JsonElement value)
    {
        // Indexed, not foreach: over an IReadOnlyList a foreach boxes an enumerator on every call.
        for (var i = 0; i < Operators.Count; i++)
        {
            var op = Operators[i];
            if (op.Kind == ConditionOperatorKind.Exists)
            {
                continue;
            }

            var holds = Test(op, value);
            if (holds is null)
            {
                var compared = $"{ConditionOperatorWords.Word(op.Kind)} {op.Value}";
                return ConditionOutcome.Cannot(
                    $"argument '{Path}' cannot be compared ({compared}): {Describe(value)}");
            }

            if (holds == false)
            {
                return ConditionOutcome.Fails;
            }
        }

        return ConditionOutcome.Holds;
    }

    private static bool? Test(ConditionOperator op, JsonElement value) => op.Kind switch
    {
        ConditionOperatorKind.Eq => op.Value.EqualsArgument(value),
        ConditionOperatorKind.Ne => !op.Value.EqualsArgument(value),
        ConditionOperatorKind.In => AnyEqual(op.Values, value),
        ConditionOperatorKind.NotIn => !AnyEqual(op.Values, value),
        ConditionOperatorKind.Lt or ConditionOperatorKind.Lte
            or ConditionOperatorKind.Gt or ConditionOperatorKind.Gte => Compare(op, value),
        ConditionOperatorKind.Regex =>
            JsonText.TryGetString(value) is { } text && op.Pattern is { } pattern ? pattern.IsMatch(text) : null,
        ConditionOperatorKind.Contains => Contains(op.Value, value),
        _ => null,
    };

    private static bool? AnyEqual(IReadOnlyList<PolicyValue> candidates, JsonElement value)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            var equal = candidates[i].EqualsArgument(value);
            if (equal is null)
            {
                return null;
            }

            if (equal == true)
            {
                return true;
            }
        }

        return false;
    }

    private static bool? Compare(ConditionOperator op, JsonElement value)
    {
        if (PolicyValue.ArgumentNumber(value) is not { } actual)
        {
            return null;
        }

        var order = actual.CompareTo(op.Value.Number!.Value);
        return op.Kind switch
        {
            ConditionOperatorKind.Lt => order < 0,
            ConditionOperatorKind.Lte => order <= 0,
            ConditionOperatorKind.Gt => order > 0,
            _ => order >= 0,
        };
    }

    private static bool? Contains(PolicyValue needle, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return JsonText.TryGetString(value)?.Contains(needle.Text, StringComparison.Ordinal);
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var element in value.EnumerateArray())
        {
            if (needle.EqualsArgument(element) == true)
            {
                return true;
            }
        }

        return false;
    }

    // The kind, never the value: reasons are logged, and argument values must not reach the logs.
    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string that is not a strict number or not the expected text",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    public override string ToString() => $"{Path}: {string.Join(", ", Operators)}";
}
