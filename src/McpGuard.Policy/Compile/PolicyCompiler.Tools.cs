using System.Globalization;
using System.Text.RegularExpressions;
using McpGuard.Policy.Conditions;
using McpGuard.Policy.Json;
using McpGuard.Policy.Results;
using McpGuard.Policy.Tools;
using McpGuard.Policy.Values;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

internal sealed partial class PolicyCompiler
{
    private static readonly string[] s_entryKeys = ["action", "reason", "rules", "rate_limit", "budget", "results"];
    private static readonly string[] s_ruleKeys = ["when", "action", "reason"];

    private List<ToolEntry> ParseTools(YamlNode node)
    {
        var entries = new List<ToolEntry>();
        if (node is not YamlMappingNode map)
        {
            Error(node, "tools", "must map tool names or globs to an action or an entry");
            return entries;
        }

        foreach (var (keyNode, value) in map.Children)
        {
            var name = Scalar(keyNode) ?? "";
            var path = $"tools.{name}";
            if (name.Length == 0)
            {
                Error(keyNode, "tools", "a tool name or glob cannot be empty");
                continue;
            }

            if (entries.Any(e => e.Pattern.Pattern == name))
            {
                Error(keyNode, path, "is written twice");
                continue;
            }

            if (ParseEntry(new Glob(name), value, path) is { } entry)
            {
                entries.Add(entry);
            }
        }

        CheckAmbiguousGlobs(entries, map);
        return entries;
    }

    private ToolEntry? ParseEntry(Glob pattern, YamlNode node, string path)
    {
        if (node is YamlScalarNode)
        {
            return ParseVerdict(node, path) is { } shorthand ? new ToolEntry { Pattern = pattern, Action = shorthand } : null;
        }

        if (node is not YamlMappingNode map)
        {
            Error(node, path, "must be an action (allow, deny, require_approval) or a mapping with action, rules, rate_limit, budget");
            return null;
        }

        var keys = Keys(map, path, s_entryKeys);
        var action = keys.TryGetValue("action", out var actionNode) ? ParseVerdict(actionNode, $"{path}.action") : null;
        var rules = keys.TryGetValue("rules", out var rulesNode) ? ParseRules(rulesNode, $"{path}.rules") : [];
        if (!keys.ContainsKey("action") && !keys.ContainsKey("rules"))
        {
            Error(node, path, "needs an action or rules (a rate_limit, budget or results alone does not say what to do)");
        }

        return new ToolEntry
        {
            Pattern = pattern,
            Action = action,
            Reason = keys.TryGetValue("reason", out var reason) ? Scalar(reason) : null,
            Rules = rules,
            RateLimit = keys.TryGetValue("rate_limit", out var rate) ? ParseRateLimit(rate, $"{path}.rate_limit") : null,
            Budget = keys.TryGetValue("budget", out var budget) ? ParseBudget(budget, $"{path}.budget") : null,
            Results = keys.TryGetValue("results", out var results) ? ParseResults(results, $"{path}.results") : ResultRules.None,
        };
    }

    private List<ToolRule> ParseRules(YamlNode node, string path)
    {
        var rules = new List<ToolRule>();
        if (node is not YamlSequenceNode list)
        {
            Error(node, path, "must be a list of rules ({when, action, reason})");
            return rules;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            var rulePath = $"{path}[{i}]";
            if (list.Children[i] is not YamlMappingNode map)
            {
                Error(list.Children[i], rulePath, "must be a mapping with when, action and reason");
                continue;
            }

            var keys = Keys(map, rulePath, s_ruleKeys);
            var conditions = keys.TryGetValue("when", out var when) ? ParseWhen(when, $"{rulePath}.when") : [];
            Verdict? action = null;
            if (!keys.TryGetValue("action", out var actionNode))
            {
                Error(map, rulePath, "needs an action");
            }
            else
            {
                action = ParseVerdict(actionNode, $"{rulePath}.action");
            }

            if (action is { } verdict)
            {
                rules.Add(new ToolRule(i, conditions, verdict, keys.TryGetValue("reason", out var reason) ? Scalar(reason) : null));
            }
        }

        return rules;
    }

    private List<Condition> ParseWhen(YamlNode node, string path)
    {
        var conditions = new List<Condition>();
        if (node is not YamlMappingNode map)
        {
            Error(node, path, "must map argument paths to matchers");
            return conditions;
        }

        foreach (var (keyNode, matcher) in map.Children)
        {
            var key = Scalar(keyNode) ?? "";
            var conditionPath = $"{path}.{key}";
            if (!ArgumentPath.TryParse(key, out var argument))
            {
                Error(keyNode, conditionPath, "is not an argument path (use a.b for nested objects, list[*].x for every element)");
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
                return [new ConditionOperator(ConditionOperatorKind.Eq, [PolicyValue.FromScalar(scalar.Value ?? "", IsQuoted(scalar))])];
            case YamlSequenceNode list:
                return ParseList(list, path) is { } values ? [new ConditionOperator(ConditionOperatorKind.In, values)] : null;
            case YamlMappingNode map:
                var operators = new List<ConditionOperator>();
                foreach (var (keyNode, value) in map.Children)
                {
                    var name = Scalar(keyNode) ?? "";
                    if (ConditionOperatorWords.Parse(name) is not { } kind)
                    {
                        var known = ConditionOperatorWords.All;
                        var hint = KeySuggestion.Closest(name, known);
                        Error(keyNode, $"{path}.{name}", $"unknown operator '{name}'{(hint is null ? "" : $"; did you mean '{hint}'?")} (known: {string.Join(", ", known)})");
                    }
                    else if (ParseOperator(kind, value, $"{path}.{name}") is { } op)
                    {
                        operators.Add(op);
                    }
                }

                return operators;
            default:
                Error(node, path, "must be a value, a list of values, or a mapping of operators");
                return null;
        }
    }

    private ConditionOperator? ParseOperator(ConditionOperatorKind kind, YamlNode value, string path)
    {
        if (ConditionOperatorWords.TakesList(kind))
        {
            return value is YamlSequenceNode list && ParseList(list, path) is { } values
                ? new ConditionOperator(kind, values)
                : Invalid("must be a list of values");
        }

        if (value is not YamlScalarNode scalar)
        {
            return Invalid("must be a single value");
        }

        var policyValue = PolicyValue.FromScalar(scalar.Value ?? "", IsQuoted(scalar));
        var numeric = ConditionOperatorWords.IsNumeric(kind);
        if (numeric && policyValue.Number is null && StrictDecimal.TryParseStrict(scalar.Value ?? "", out var quotedNumber))
        {
            // A bound can only be a number, so a quoted one ('0.01') means the same and is not a trap.
            policyValue = policyValue with { Number = quotedNumber };
        }

        switch (kind)
        {
            case var _ when numeric && policyValue.Number is null:
                return Invalid($"needs a number in the strict form -?(0|[1-9][0-9]*)(.[0-9]+)?, not '{scalar.Value}'");
            case ConditionOperatorKind.Exists when policyValue.Boolean is null:
                return Invalid("must be true or false");
            case ConditionOperatorKind.Regex:
                try
                {
                    var regex = new Regex(scalar.Value ?? "", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromMilliseconds(100));
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
            Error(value, path, message);
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
                Error(item, path, "list items must be single values");
                return null;
            }

            values.Add(PolicyValue.FromScalar(scalar.Value ?? "", IsQuoted(scalar)));
        }

        if (values.Count == 0)
        {
            Error(list, path, "an empty list matches nothing; remove the condition or list values");
            return null;
        }

        return values;
    }

    /// <summary>
    /// Two globs equally specific that can match one name would make the choice arbitrary: refuse them.
    /// </summary>
    private void CheckAmbiguousGlobs(List<ToolEntry> entries, YamlMappingNode map)
    {
        var globs = entries.Where(e => !e.Pattern.IsLiteral).ToList();
        for (var i = 0; i < globs.Count; i++)
        {
            for (var j = i + 1; j < globs.Count; j++)
            {
                var (a, b) = (globs[i].Pattern, globs[j].Pattern);
                if (a.Specificity == b.Specificity && a.Overlaps(b))
                {
                    var node = map.Children.Keys.First(k => Scalar(k) == b.Pattern);
                    Error(node, $"tools.{b.Pattern}", string.Create(CultureInfo.InvariantCulture,
                        $"is as specific as '{a.Pattern}' ({a.Specificity} fixed characters) and both can match one name; make one more specific or name the tool exactly"));
                }
            }
        }
    }
}
