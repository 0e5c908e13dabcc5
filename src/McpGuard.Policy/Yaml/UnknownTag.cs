using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Yaml;

/// <summary>
/// A YAML tag the policy loader does not know (<c>!foo</c>, <c>!!binary</c>): an error at its position rather than
/// a value read as if it were untagged. The core schema's own (<c>!!str</c>, <c>!!int</c>, <c>!!map</c>, …) are fine.
/// </summary>
internal static class UnknownTag
{
    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
    };

    /// <summary>The first node, in document order, with a tag outside the core schema, as an error.</summary>
    public static PolicyError? Find(YamlNode root, string source)
    {
        foreach (var node in root.AllNodes)
        {
            if (!node.Tag.IsEmpty && !s_known.Contains(node.Tag.Value))
            {
                return new PolicyError(
                    source, (int)node.Start.Line, (int)node.Start.Column, "$",
                    $"the YAML tag {TagText(node.Tag.Value)} is not one McpGuard reads; remove it (quote the value "
                        + "for a string)");
            }
        }

        return null;
    }

    private const string CorePrefix = "tag:yaml.org,2002:";

    private static string TagText(string tag) =>
        tag.StartsWith(CorePrefix, StringComparison.Ordinal) ? "!!" + tag[CorePrefix.Length..] : tag;
}
