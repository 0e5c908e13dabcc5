using McpGuard.Policy.Decide;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>An action as a policy writes it (<c>default</c>, a tool's, a rule's, a risk class's).</summary>
internal static class VerdictValue
{
    public static Verdict? Read(YamlWalker yaml, YamlNode node, string path) =>
        DecisionWords.ParseAction(Scalar(node))
        ?? yaml.ErrorValue<Verdict>(
            node, path,
            $"must be allow, deny or require_approval, not '{Scalar(node) ?? node.NodeType.ToString()}'");
}
