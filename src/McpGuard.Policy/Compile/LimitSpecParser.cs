using System.Globalization;
using System.Text.RegularExpressions;
using McpGuard.Policy.Json;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Values;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// A <c>rate_limit</c> or a <c>budget</c> (docs/limits.md), as a <c>tools</c> entry or <c>limits</c> writes one:
/// the same shape, the same errors, in both places.
/// </summary>
internal sealed class LimitSpecParser(YamlWalker yaml)
{
    private static readonly string[] s_limitKeys = ["max", "window", "per", "scope"];
    private static readonly string[] s_budgetKeys = ["argument", "max", "window", "per", "scope"];

    /// <summary><c>{ max: 10, window: 60s }</c> or the shorthand <c>10/minute</c>.</summary>
    public RateLimitSpec? ParseRateLimit(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar)
        {
            var match = Regex.Match(scalar.Value ?? "", "^([0-9]+)/([a-z]+)$", RegexOptions.CultureInvariant);
            if (match.Success
                && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                && count > 0
                && Duration.Unit(match.Groups[2].Value) is { } unit)
            {
                return new RateLimitSpec(count, unit);
            }

            yaml.Error(node, path, $"must be {{max: N, window: 60s}} or N/unit (second, minute, hour, day; "
                + $"N from 1 to {int.MaxValue}), not '{scalar.Value}'");
            return null;
        }

        var keys = yaml.MappingKeys(node, path, s_limitKeys, "must be {max: N, window: 60s} or N/unit");
        if (keys is null)
        {
            return null;
        }

        var max = ParsePositiveInt(keys, node, path);
        var window = ParseWindow(keys, node, path);
        var per = ParsePer(keys, path);
        var scope = ParseScope(keys, path);
        return max is { } m && window is { } w ? new RateLimitSpec(m, w) { Per = per, Scope = scope } : null;
    }

    public BudgetSpec? ParseBudget(YamlNode node, string path)
    {
        var keys = yaml.MappingKeys(
            node, path, s_budgetKeys, "must be {argument: qty, max: 0.5, window: 24h} (per and scope are optional)");
        if (keys is null)
        {
            return null;
        }

        ArgumentPath? argument = null;
        if (!keys.TryGetValue("argument", out var argumentNode)
            || !ArgumentPath.TryParse(Scalar(argumentNode) ?? "", out argument)
            || argument.Text.Contains("[*]", StringComparison.Ordinal))
        {
            yaml.Error(keys.GetValueOrDefault("argument") ?? node, $"{path}.argument",
                "needs the path of one numeric argument (no [*])");
        }

        StrictDecimal? max = null;
        if (!keys.TryGetValue("max", out var maxNode)
            || !StrictDecimal.TryParseStrict(Scalar(maxNode) ?? "", out var parsed)
            || parsed <= new StrictDecimal(0, 0))
        {
            yaml.Error(maxNode ?? node, $"{path}.max", "must be a positive number");
        }
        else
        {
            max = parsed;
        }

        var window = ParseWindow(keys, node, path);
        var per = ParsePer(keys, path);
        var scope = ParseScope(keys, path);
        return argument is not null && max is { } m && window is { } w
            ? new BudgetSpec(argument, m, w) { Per = per, Scope = scope }
            : null;
    }

    private int? ParsePositiveInt(Dictionary<string, YamlNode> keys, YamlNode parent, string path)
    {
        if (keys.TryGetValue("max", out var node)
            && int.TryParse(Scalar(node), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            && value > 0)
        {
            return value;
        }

        yaml.Error(node ?? parent, $"{path}.max", $"must be a whole number from 1 to {int.MaxValue}");
        return null;
    }

    private TimeSpan? ParseWindow(Dictionary<string, YamlNode> keys, YamlNode parent, string path)
    {
        if (keys.TryGetValue("window", out var node) && Duration.TryParse(Scalar(node), out var window))
        {
            return window;
        }

        var written = node is null ? "" : $", not '{Scalar(node)}'";
        yaml.Error(node ?? parent, $"{path}.window", $"must be a duration such as 60s, 1m, 24h or 7d{written}");
        return null;
    }

    /// <summary>
    /// <c>per: symbol</c> or <c>per: [account, symbol]</c>: argument paths without <c>[*]</c>, one counter per
    /// combination of their values.
    /// </summary>
    private List<ArgumentPath> ParsePer(Dictionary<string, YamlNode> keys, string path)
    {
        var paths = new List<ArgumentPath>();
        if (!keys.TryGetValue("per", out var node))
        {
            return paths;
        }

        var texts = node is YamlSequenceNode ? yaml.Strings(node, $"{path}.per") : [Scalar(node) ?? ""];
        if (texts.Count == 0 && node is YamlSequenceNode)
        {
            yaml.Error(node, $"{path}.per", "must name at least one argument");
        }

        foreach (var text in texts)
        {
            if (ArgumentPath.TryParse(text, out var argument) && argument!.IsSingle)
            {
                paths.Add(argument);
            }
            else
            {
                yaml.Error(node, $"{path}.per",
                    $"must be argument paths such as symbol or order.account (no [*]), not '{text}'");
            }
        }

        return paths;
    }

    private CounterScope ParseScope(Dictionary<string, YamlNode> keys, string path)
    {
        if (!keys.TryGetValue("scope", out var node))
        {
            return CounterScope.Shared;
        }

        switch (Scalar(node))
        {
            case "shared": return CounterScope.Shared;
            case "session": return CounterScope.Session;
            case "agent": return CounterScope.Agent;
            default:
                yaml.Error(node, $"{path}.scope",
                    "must be shared (the state store, the default), agent (one counter per agent) or session (this " +
                    "guard only, in memory)");
                return CounterScope.Shared;
        }
    }
}
