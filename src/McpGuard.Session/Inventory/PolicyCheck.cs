using System.Globalization;
using System.Text.Json;
using McpGuard.Policy;
using McpGuard.Policy.Conditions;
using McpGuard.Policy.Json;
using McpGuard.Policy.Risk;
using McpGuard.Policy.Tools;
using McpGuard.Policy.Values;

namespace McpGuard.Inventory;

/// <summary>
/// A policy held against a server's real tools: names the server does not have, <c>when</c> paths that are not
/// in a tool's input schema, numeric operators on non-numeric types, and limits that a sibling tool bypasses
/// (<c>place_order</c> capped while <c>batch_place_order</c> is allowed without a cap).
/// </summary>
internal static class PolicyCheck
{
    public static List<CheckFinding> Run(CompiledPolicy policy, ServerInventory inventory)
    {
        var tools = inventory.Tools;
        var findings = new List<CheckFinding>();
        var byName = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var glob in policy.Hide.Where(g => !tools.Any(t => g.IsMatch(t.Name))))
        {
            findings.Add(new(false, $"hide: '{glob.Pattern}' matches no tool of this server.", ["hide", glob.Pattern]));
        }

        foreach (var entry in policy.Entries)
        {
            var matched = tools.Where(t => entry.Pattern.IsMatch(t.Name)).ToList();
            if (matched.Count == 0)
            {
                findings.Add(new(true, $"tools.{entry.Pattern.Pattern}: the server has no tool "
                    + $"{(entry.Pattern.IsLiteral ? "of this name" : "matching this glob")}.",
                    ["tools", entry.Pattern.Pattern]));
                continue;
            }

            foreach (var tool in matched)
            {
                CheckConditions(entry, tool, findings);
            }
        }

        CheckSiblings(new PolicyEngine(policy), inventory.ServerName, tools, findings);
        return findings;
    }

    private static void CheckConditions(ToolEntry entry, ServerTool tool, List<CheckFinding> findings)
    {
        var budget = entry.Budget is { } b
            ? [new Condition(b.Argument, [
                new ConditionOperator(ConditionOperatorKind.Gte, [PolicyValue.FromScalar("0", false)])])]
            : Array.Empty<Condition>();
        var name = entry.Pattern.Pattern;
        foreach (var (condition, where, at) in entry.Rules
            .SelectMany(r => r.When.Select(c => (c, $"rules[{r.Index}]", (string[])[
                "tools", name, "rules", r.Index.ToString(CultureInfo.InvariantCulture), "when", c.Path.Text])))
            .Concat(budget.Select(c => (c, "budget", (string[])["tools", name, "budget"]))))
        {
            var schema = Resolve(tool.InputSchema, condition.Path);
            if (schema is null)
            {
                findings.Add(new(true, $"tools.{name}.{where}: '{condition.Path}' "
                    + $"is not in the input schema of {tool.Name}.", at));
                continue;
            }

            var type = schema.Value.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;
            if (condition.Operators.Any(o => ConditionOperatorWords.IsNumeric(o.Kind))
                && type is not (null or "number" or "integer" or "string"))
            {
                findings.Add(new(true, $"tools.{name}.{where}: '{condition.Path}' is a {type} "
                    + $"in {tool.Name}'s schema; numeric operators can never hold.", at));
            }
        }
    }

    private static JsonElement? Resolve(JsonElement schema, ArgumentPath path)
    {
        var current = schema;
        foreach (var (name, each) in path.Steps)
        {
            if (current.ValueKind != JsonValueKind.Object
                || !current.TryGetProperty("properties", out var properties)
                || properties.ValueKind != JsonValueKind.Object
                || !properties.TryGetProperty(name, out current))
            {
                return null;
            }

            if (each)
            {
                if (!current.TryGetProperty("items", out current))
                {
                    return null;
                }
            }
        }

        return current;
    }

    private static void CheckSiblings(
        PolicyEngine engine, string? serverName, IReadOnlyList<ServerTool> tools, List<CheckFinding> findings)
    {
        var policy = engine.Policy;
        foreach (var entry in policy.Entries
            .Where(e => e.RateLimit is not null || e.Budget is not null || e.Rules.Any(r => r.When.Count > 0)))
        {
            foreach (var guarded in tools.Where(t => entry.Pattern.IsMatch(t.Name)))
            {
                var noun = guarded.Name.Split('_', '-')[^1];
                foreach (var sibling in tools.Where(t => t.Name != guarded.Name && !entry.Pattern.IsMatch(t.Name)
                    && t.Name.Split('_', '-').Contains(noun)))
                {
                    var summary = engine.Describe(sibling.Name, sibling.Hints, serverName);
                    if (summary.Effect == ToolEffect.Allowed && summary.Limits is null && CanDoHarm(summary.Risk))
                    {
                        findings.Add(new(true, $"{guarded.Name} is limited by tools.{entry.Pattern.Pattern}, "
                            + $"but its sibling {sibling.Name} is allowed without a limit ({summary.RuleId}): "
                            + $"an agent can go around the limit."));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether an allowed sibling without a limit is a way around one. Unknown counts as the most dangerous class:
    /// a tool whose words say nothing (a vendor's own verb, another server's batch form) is not safer than a write.
    /// </summary>
    private static bool CanDoHarm(RiskClass risk) => risk is RiskClass.Unknown || risk >= RiskClass.Write;
}
