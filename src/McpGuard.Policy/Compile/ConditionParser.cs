using System.Text.RegularExpressions;
using McpGuard.Policy.Conditions;
using McpGuard.Policy.Json;
using McpGuard.Policy.Values;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// A rule's <c>when:</c> (docs/policy.md#conditions): argument paths mapped to a value, a list of values, or a
/// mapping of operators (<c>{ gt: 0.5, in: [...] }</c>).
/// </summary>
internal sealed class ConditionParser(YamlWalker yaml)
{
    public List<Condition> ParseWhen(YamlNode node, string path)
    {
        var conditions = new List<Condition>();
        if (node is not YamlMappingNode map)
        {
            yaml.Error(node, path, "must map argument paths to matchers");
            return conditions;
        }

        foreach (var (keyNode, matcher) in map.Children)
        {
            var key = Scalar(keyNode) ?? "";
            var conditionPath = $"{path}.{key}";
            if (!ArgumentPath.TryParse(key, out var argument))
            {
                yaml.Error(keyNode, conditionPath,
                    "is not an argument path (use a.b for nested objects, list[*].x for every element)");
                continue;
            }

            if (ParseMatcher(matcher, conditionPath) is { Count: > 0 } operators)
            {
                conditions.Add(new Condition(argument, operators));
            }
        }

        return conditions;
    }

    private List<ConditionOperator>? ParseMatcher(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                var value = PolicyValue.FromScalar(scalar.Value ?? "", IsQuoted(scalar));
                return [new ConditionOperator(ConditionOperatorKind.Eq, [value])];
            case YamlSequenceNode list:
                return ParseList(list, path) is { } values
                    ? [new ConditionOperator(ConditionOperatorKind.In, values)]
                    : null;
            case YamlMappingNode map:
                var operators = new List<ConditionOperator>();
                foreach (var (keyNode, operand) in map.Children)
                {
                    var name = Scalar(keyNode) ?? "";
                    if (ConditionOperatorWords.Parse(name) is not { } kind)
                    {
                        var known = ConditionOperatorWords.All;
                        var hint = KeySuggestion.Closest(name, known);
                        var didYouMean = hint is null ? "" : $"; did you mean '{hint}'?";
                        yaml.Error(keyNode, $"{path}.{name}",
                            $"unknown operator '{name}'{didYouMean} (known: {string.Join(", ", known)})");
                    }
                    else if (ParseOperator(kind, operand, $"{path}.{name}") is { } op)
                    {
                        operators.Add(op);
                    }
                }

                if (operators.Count == map.Children.Count && ImpossibleMatcher.Why(operators) is { } why)
                {
                    yaml.Error(map, path, $"{why}: this condition can never hold, so its rule never applies");
                }

                return operators;
            default:
                yaml.Error(node, path, "must be a value, a list of values, or a mapping of operators");
                return null;
        }
    }

    private ConditionOperator? ParseOperator(ConditionOperatorKind kind, YamlNode value, string path)
    {
        if (ConditionOperatorWords.TakesList(kind))
        {
            // A list that ParseList refuses has said why: one error, not a second saying it is no list.
            return value is not YamlSequenceNode list ? Invalid("must be a list of values")
                : ParseList(list, path) is { } values ? new ConditionOperator(kind, values)
                : null;
        }

        if (value is not YamlScalarNode scalar)
        {
            return Invalid("must be a single value");
        }

        var policyValue = PolicyValue.FromScalar(scalar.Value ?? "", IsQuoted(scalar));
        var numeric = ConditionOperatorWords.IsNumeric(kind);
        if (numeric && policyValue.Number is null
            && StrictDecimal.TryParseStrict(scalar.Value ?? "", out var quotedNumber))
        {
            // A bound can only be a number, so a quoted one ('0.01') means the same and is not a trap.
            policyValue = policyValue with { Number = quotedNumber };
        }

        switch (kind)
        {
            case var _ when numeric && policyValue.Number is null:
                return Invalid(
                    $"needs a number in the strict form -?(0|[1-9][0-9]*)(.[0-9]+)?, not '{scalar.Value}'");
            case ConditionOperatorKind.Exists when policyValue.Boolean is null:
                return Invalid("must be true or false");
            case ConditionOperatorKind.Regex:
                try
                {
                    // No match timeout: a non-backtracking match costs time linear in the argument, which the
                    // message size limit bounds, so a wall-clock limit could only fail a call on a busy machine.
                    var regex = new Regex(
                        scalar.Value ?? "", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
                    return new ConditionOperator(kind, [policyValue], regex);
                }
                catch (ArgumentException ex)
                {
                    return Invalid($"is not a valid regular expression: {ex.Message}");
                }

            default:
                return new ConditionOperator(kind, [policyValue]);
        }

        ConditionOperator? Invalid(string message)
        {
            yaml.Error(value, path, message);
            return null;
        }
    }

    private List<PolicyValue>? ParseList(YamlSequenceNode list, string path)
    {
        var values = new List<PolicyValue>();
        foreach (var item in list.Children)
        {
            if (item is not YamlScalarNode scalar)
            {
                yaml.Error(item, path, "list items must be single values");
                return null;
            }

            values.Add(PolicyValue.FromScalar(scalar.Value ?? "", IsQuoted(scalar)));
        }

        if (values.Count == 0)
        {
            yaml.Error(list, path, "an empty list matches nothing; remove the condition or list values");
            return null;
        }

        return values;
    }
}
