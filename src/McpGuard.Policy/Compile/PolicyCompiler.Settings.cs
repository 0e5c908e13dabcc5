using System.Globalization;
using System.Text.RegularExpressions;
using McpGuard.Policy.Json;
using McpGuard.Policy.Limits;
using McpGuard.Policy.Risk;
using McpGuard.Policy.Settings;
using McpGuard.Policy.Values;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

internal sealed partial class PolicyCompiler
{
    private static readonly string[] s_riskKeys = ["read", "write", "destructive", "critical", "unknown", "classes", "catalogue"];
    private static readonly string[] s_limitKeys = ["max", "window", "per", "scope"];
    private static readonly string[] s_budgetKeys = ["argument", "max", "window", "per", "scope"];
    private static readonly string[] s_approvalKeys = ["timeout", "progress", "channels", "command"];
    private static readonly string[] s_channels = ["elicitation", "desk", "command"];
    private static readonly string[] s_auditKeys = ["path", "arguments"];

    private RiskSection ParseRisk(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "risk", "must map risk classes (read, write, destructive, critical, unknown) to allow, deny, require_approval or hide");
            return RiskSection.Empty;
        }

        var verdicts = new Dictionary<RiskClass, Verdict>();
        var hidden = new HashSet<RiskClass>();
        var overrides = new Dictionary<string, RiskClass>(StringComparer.Ordinal);
        CatalogueChoice catalogue = CatalogueChoice.ByServerName.Instance;
        foreach (var (key, value) in Keys(map, "risk", s_riskKeys))
        {
            if (key == "classes")
            {
                ParseRiskOverrides(value, overrides);
            }
            else if (key == "catalogue")
            {
                catalogue = ParseCatalogue(value);
            }
            else if (Scalar(value) == "hide")
            {
                hidden.Add(ParseClass(key));
            }
            else if (ParseVerdict(value, $"risk.{key}") is { } verdict)
            {
                verdicts[ParseClass(key)] = verdict;
            }
        }

        return new RiskSection(verdicts, hidden, overrides, catalogue);
    }

    private CatalogueChoice ParseCatalogue(YamlNode node)
    {
        var name = Scalar(node);
        if (name == "none")
        {
            return CatalogueChoice.None.Instance;
        }

        if (name is not null && RiskCatalogues.TryFind(name, out var catalogue))
        {
            return new CatalogueChoice.Named(catalogue);
        }

        Error(node, "risk.catalogue", $"must be none or a built-in catalogue ({string.Join(", ", RiskCatalogues.All.Select(c => c.Name))})");
        return CatalogueChoice.ByServerName.Instance;
    }

    private void ParseRiskOverrides(YamlNode node, Dictionary<string, RiskClass> overrides)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "risk.classes", "must map tool names to a class (read, write, destructive, critical)");
            return;
        }

        foreach (var (keyNode, value) in map.Children)
        {
            var tool = Scalar(keyNode) ?? "";
            if (RiskClassWords.Parse(Scalar(value)) is { } risk)
            {
                overrides[tool] = risk;
            }
            else
            {
                Error(value, $"risk.classes.{tool}", "must be read, write, destructive, critical or unknown");
            }
        }
    }

    // Only the class keys reach here (Keys checked them against s_riskKeys).
    private static RiskClass ParseClass(string name) => RiskClassWords.Parse(name)!.Value;

    private RateLimitSpec? ParseLimits(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "limits", "must be a mapping with rate_limit");
            return null;
        }

        var keys = Keys(map, "limits", ["rate_limit"]);
        return keys.TryGetValue("rate_limit", out var rate) ? ParseRateLimit(rate, "limits.rate_limit") : null;
    }

    /// <summary><c>{ max: 10, window: 60s }</c> or the shorthand <c>10/minute</c>.</summary>
    private RateLimitSpec? ParseRateLimit(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar)
        {
            var match = Regex.Match(scalar.Value ?? "", "^([0-9]+)/([a-z]+)$", RegexOptions.CultureInvariant);
            if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
                && Duration.Unit(match.Groups[2].Value) is { } unit)
            {
                return new RateLimitSpec(count, unit);
            }

            Error(node, path, $"must be {{max: N, window: 60s}} or N/unit (second, minute, hour, day), not '{scalar.Value}'");
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            Error(node, path, "must be {max: N, window: 60s} or N/unit");
            return null;
        }

        var keys = Keys(map, path, s_limitKeys);
        var max = ParsePositiveInt(keys, map, path);
        var window = ParseWindow(keys, map, path);
        var per = ParsePer(keys, path);
        var scope = ParseScope(keys, path);
        return max is { } m && window is { } w ? new RateLimitSpec(m, w) { Per = per, Scope = scope } : null;
    }

    private BudgetSpec? ParseBudget(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, path, "must be {argument: qty, max: 0.5, window: 24h} (per and scope are optional)");
            return null;
        }

        var keys = Keys(map, path, s_budgetKeys);
        ArgumentPath? argument = null;
        if (!keys.TryGetValue("argument", out var argumentNode) || !ArgumentPath.TryParse(Scalar(argumentNode) ?? "", out argument) || argument.Text.Contains("[*]", StringComparison.Ordinal))
        {
            Error(keys.GetValueOrDefault("argument") ?? map, $"{path}.argument", "needs the path of one numeric argument (no [*])");
        }

        StrictDecimal? max = null;
        if (!keys.TryGetValue("max", out var maxNode) || !StrictDecimal.TryParseStrict(Scalar(maxNode) ?? "", out var parsed) || parsed <= new StrictDecimal(0, 0))
        {
            Error(maxNode ?? map, $"{path}.max", "must be a positive number");
        }
        else
        {
            max = parsed;
        }

        var window = ParseWindow(keys, map, path);
        var per = ParsePer(keys, path);
        var scope = ParseScope(keys, path);
        return argument is not null && max is { } m && window is { } w ? new BudgetSpec(argument, m, w) { Per = per, Scope = scope } : null;
    }

    private int? ParsePositiveInt(Dictionary<string, YamlNode> keys, YamlNode parent, string path)
    {
        if (keys.TryGetValue("max", out var node) && int.TryParse(Scalar(node), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return value;
        }

        Error(node ?? parent, $"{path}.max", "must be a whole number above 0");
        return null;
    }

    private TimeSpan? ParseWindow(Dictionary<string, YamlNode> keys, YamlNode parent, string path)
    {
        if (keys.TryGetValue("window", out var node) && Duration.TryParse(Scalar(node), out var window))
        {
            return window;
        }

        Error(node ?? parent, $"{path}.window", $"must be a duration such as 60s, 1m, 24h or 7d{(node is null ? "" : $", not '{Scalar(node)}'")}");
        return null;
    }

    private ApprovalSettings ParseApproval(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "approval", "must be a mapping with timeout, progress, channels, command");
            return ApprovalSettings.Default;
        }

        var keys = Keys(map, "approval", s_approvalKeys);
        var settings = ApprovalSettings.Default;
        if (keys.TryGetValue("timeout", out var timeout))
        {
            if (Duration.TryParse(Scalar(timeout), out var span))
            {
                settings = settings with { Timeout = span };
            }
            else
            {
                Error(timeout, "approval.timeout", "must be a duration such as 120s or 5m");
            }
        }

        if (keys.TryGetValue("progress", out var progress))
        {
            // Below a second a waiting call would flood the client; a client's timeout is tens of seconds.
            if (Duration.TryParse(Scalar(progress), out var every) && every >= TimeSpan.FromSeconds(1))
            {
                settings = settings with { Progress = every };
            }
            else
            {
                Error(progress, "approval.progress", "must be a duration of at least 1s, such as 10s");
            }
        }

        if (keys.TryGetValue("channels", out var channels))
        {
            var names = ParseStrings(channels, "approval.channels");
            foreach (var bad in names.Where(n => !s_channels.Contains(n)))
            {
                Error(channels, "approval.channels", $"unknown channel '{bad}' (known: {string.Join(", ", s_channels)})");
            }

            settings = settings with { Channels = names };
        }

        if (keys.TryGetValue("command", out var command))
        {
            settings = settings with { Command = ParseStrings(command, "approval.command") };
        }

        if (settings.Channels.Contains("command") && settings.Command.Count == 0)
        {
            Error(map, "approval.command", "the command channel needs a command: [program, args...]");
        }

        return settings;
    }

    private List<string> ParseStrings(YamlNode node, string path)
    {
        if (node is YamlSequenceNode list && list.Children.All(c => c is YamlScalarNode))
        {
            return [.. list.Children.Select(c => Scalar(c) ?? "")];
        }

        Error(node, path, "must be a list of strings");
        return [];
    }

    private AuditSettings ParseAudit(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "audit", "must be a mapping with path and arguments");
            return AuditSettings.Default;
        }

        var keys = Keys(map, "audit", s_auditKeys);
        var settings = AuditSettings.Default with { Path = keys.TryGetValue("path", out var path) ? Scalar(path) : null };
        if (keys.TryGetValue("arguments", out var mode))
        {
            switch (Scalar(mode))
            {
                case "full": settings = settings with { Arguments = AuditArgumentsMode.Full }; break;
                case "redact": settings = settings with { Arguments = AuditArgumentsMode.Redact }; break;
                case "hash": settings = settings with { Arguments = AuditArgumentsMode.Hash }; break;
                case "none": settings = settings with { Arguments = AuditArgumentsMode.None }; break;
                default: Error(mode, "audit.arguments", "must be full, redact, hash or none"); break;
            }
        }

        return settings;
    }
}
