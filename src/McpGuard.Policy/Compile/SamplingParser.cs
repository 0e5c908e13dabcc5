using McpGuard.Policy.Settings;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary><c>sampling: { tools: refuse | judge }</c> (docs/policy.md#sampling).</summary>
internal sealed class SamplingParser(YamlWalker yaml)
{
    private static readonly string[] s_samplingKeys = ["tools"];

    public SamplingTools Parse(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            yaml.Error(node, "sampling", "must be a mapping: `sampling: { tools: judge }` or `{ tools: refuse }`");
            return SamplingTools.Refuse;
        }

        var keys = yaml.Keys(map, "sampling", s_samplingKeys);
        if (!keys.TryGetValue("tools", out var tools))
        {
            return SamplingTools.Refuse;
        }

        switch (Scalar(tools))
        {
            case "refuse": return SamplingTools.Refuse;
            case "judge": return SamplingTools.Judge;
            default:
                // Unreadable: report it, and refuse meanwhile (no policy is built anyway).
                yaml.Error(tools, "sampling.tools",
                    $"must be refuse or judge, not '{Scalar(tools) ?? tools.NodeType.ToString()}'");
                return SamplingTools.Refuse;
        }
    }
}
