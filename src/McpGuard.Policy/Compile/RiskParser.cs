using McpGuard.Policy.Risk;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// <c>risk: { read: allow, critical: hide, classes: {...}, catalogue: ... }</c> (docs/policy.md#risk): a verdict or
/// "hide" per class, classes set for named tools, and the vendor catalogue.
/// </summary>
internal sealed class RiskParser(YamlWalker yaml)
{
    private static readonly string[] s_riskKeys =
        ["read", "write", "destructive", "critical", "unknown", "classes", "catalogue"];

    public RiskSection Parse(YamlNode node)
    {
        var keys = yaml.MappingKeys(
            node, "risk", s_riskKeys,
            "must map risk classes (read, write, destructive, critical, unknown) to allow, deny, " +
            "require_approval or hide");
        if (keys is null)
        {
            return RiskSection.Empty;
        }

        var verdicts = new Dictionary<RiskClass, Verdict>();
        var hidden = new HashSet<RiskClass>();
        var overrides = new Dictionary<string, RiskClass>(StringComparer.Ordinal);
        CatalogueChoice catalogue = CatalogueChoice.ByServerName.Instance;
        foreach (var (key, value) in keys)
        {
            if (key == "classes")
            {
                ParseOverrides(value, overrides);
            }
            else if (key == "catalogue")
            {
                catalogue = ParseCatalogue(value);
            }
            else if (Scalar(value) == "hide")
            {
                hidden.Add(ParseClass(key));
            }
            else if (VerdictValue.Read(yaml, value, $"risk.{key}") is { } verdict)
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

        var names = string.Join(", ", RiskCatalogues.All.Select(c => c.Name));
        yaml.Error(node, "risk.catalogue", $"must be none or a built-in catalogue ({names})");
        return CatalogueChoice.ByServerName.Instance;
    }

    private void ParseOverrides(YamlNode node, Dictionary<string, RiskClass> overrides)
    {
        if (node is not YamlMappingNode map)
        {
            yaml.Error(node, "risk.classes", "must map tool names to a class (read, write, destructive, critical)");
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
                yaml.Error(value, $"risk.classes.{tool}", "must be read, write, destructive, critical or unknown");
            }
        }
    }

    // Only the class keys reach here (Keys checked them against s_riskKeys).
    private static RiskClass ParseClass(string name) => RiskClassWords.Parse(name)!.Value;
}
