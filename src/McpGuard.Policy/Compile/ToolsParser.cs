using System.Globalization;
using McpGuard.Policy.Conditions;
using McpGuard.Policy.Results;
using McpGuard.Policy.Tools;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// <c>tools:</c> (docs/policy.md): an entry per tool name or glob, each an action or a mapping with action, rules,
/// rate_limit, budget and results. Two globs that could match one name equally are refused.
/// </summary>
internal sealed class ToolsParser(YamlWalker yaml)
{
    private static readonly string[] s_entryKeys = ["action", "reason", "rules", "rate_limit", "budget", "results"];
    private static readonly string[] s_ruleKeys = ["when", "action", "reason"];

    public List<ToolEntry> Parse(YamlNode node)
    {
        var entries = new List<ToolEntry>();
        if (node is not YamlMappingNode map)
        {
            yaml.Error(node, "tools", "must map tool names or globs to an action or an entry");
            return entries;
        }

        foreach (var (keyNode, value) in map.Children)
        {
            var name = Scalar(keyNode) ?? "";
            var path = $"tools.{name}";
            if (name.Length == 0)
            {
                yaml.Error(keyNode, "tools", "a tool name or glob cannot be empty");
                continue;
            }

            if (entries.Any(e => e.Pattern.Pattern == name))
            {
                yaml.Error(keyNode, path, "is written twice");
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
            return VerdictValue.Read(yaml, node, path) is { } shorthand
                ? new ToolEntry { Pattern = pattern, Action = shorthand }
                : null;
        }

        var keys = yaml.MappingKeys(
            node, path, s_entryKeys,
            "must be an action (allow, deny, require_approval) or a mapping with action, rules, rate_limit, " +
            "budget");
        if (keys is null)
        {
            return null;
        }

        var action = keys.TryGetValue("action", out var actionNode)
            ? VerdictValue.Read(yaml, actionNode, $"{path}.action")
            : null;
        var rules = keys.TryGetValue("rules", out var rulesNode) ? ParseRules(rulesNode, $"{path}.rules") : [];
        if (!keys.ContainsKey("action") && !keys.ContainsKey("rules"))
        {
            yaml.Error(node, path,
                "needs an action or rules (a rate_limit, budget or results alone does not say what to do)");
        }

        var limits = new LimitSpecParser(yaml);
        return new ToolEntry
        {
            Pattern = pattern,
            Action = action,
            Reason = keys.TryGetValue("reason", out var reason) ? Scalar(reason) : null,
            Rules = rules,
            RateLimit = keys.TryGetValue("rate_limit", out var rate)
                ? limits.ParseRateLimit(rate, $"{path}.rate_limit")
                : null,
            Budget = keys.TryGetValue("budget", out var budget) ? limits.ParseBudget(budget, $"{path}.budget") : null,
            Results = keys.TryGetValue("results", out var results)
                ? new ResultsParser(yaml).Parse(results, $"{path}.results")
                : ResultRules.None,
        };
    }

    private List<ToolRule> ParseRules(YamlNode node, string path)
    {
        var rules = new List<ToolRule>();
        if (node is not YamlSequenceNode list)
        {
            yaml.Error(node, path, "must be a list of rules ({when, action, reason})");
            return rules;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            var rulePath = $"{path}[{i}]";
            var rule = list.Children[i];
            var keys = yaml.MappingKeys(rule, rulePath, s_ruleKeys, "must be a mapping with when, action and reason");
            if (keys is null)
            {
                continue;
            }

            var conditions = keys.TryGetValue("when", out var when)
                ? new ConditionParser(yaml).ParseWhen(when, $"{rulePath}.when")
                : [];
            Verdict? action = null;
            if (!keys.TryGetValue("action", out var actionNode))
            {
                yaml.Error(rule, rulePath, "needs an action");
            }
            else
            {
                action = VerdictValue.Read(yaml, actionNode, $"{rulePath}.action");
            }

            if (action is { } verdict)
            {
                var reason = keys.TryGetValue("reason", out var reasonNode) ? Scalar(reasonNode) : null;
                rules.Add(new ToolRule(i, conditions, verdict, reason));
            }
        }

        return rules;
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
                    var characters = a.Specificity == 1 ? "character" : "characters";
                    yaml.Error(node, $"tools.{b.Pattern}", string.Create(CultureInfo.InvariantCulture,
                        $"is as specific as '{a.Pattern}' ({a.Specificity} fixed {characters}) and both can match " +
                        $"one name; make one more specific or name the tool exactly"));
                }
            }
        }
    }
}
