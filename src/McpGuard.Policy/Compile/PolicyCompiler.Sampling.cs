using McpGuard.Policy.Settings;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

internal sealed partial class PolicyCompiler
{
    private static readonly string[] s_samplingKeys = ["tools"];

    /// <summary><c>sampling: { tools: refuse | judge }</c> (docs/policy.md#sampling).</summary>
    private SamplingTools ParseSampling(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "sampling", "must be a mapping: `sampling: { tools: judge }` or `{ tools: refuse }`");
            return SamplingTools.Refuse;
        }

        var keys = Keys(map, "sampling", s_samplingKeys);
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
                Error(tools, "sampling.tools", $"must be refuse or judge, not '{Scalar(tools) ?? tools.NodeType.ToString()}'");
                return SamplingTools.Refuse;
        }
    }
}
