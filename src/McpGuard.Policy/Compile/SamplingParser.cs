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
        var keys = yaml.MappingKeys(
            node, "sampling", s_samplingKeys, "must be a mapping: `sampling: { tools: judge }` or `{ tools: refuse }`");
        if (keys is null || !keys.TryGetValue("tools", out var tools))
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
