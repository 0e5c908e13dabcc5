using McpGuard.Policy.Values;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// A duration setting (<c>approval.timeout</c>, <c>state.timeout</c>, <c>serve.sessions.idle</c>, ...): one that
/// does not parse, or falls outside its bounds, is reported as <c>mustBe</c> says and reads as none.
/// </summary>
internal static class DurationValue
{
    public static TimeSpan? Read(
        YamlWalker yaml, YamlNode node, string path, string mustBe, TimeSpan? atLeast = null, TimeSpan? atMost = null)
    {
        if (Duration.TryParse(Scalar(node), out var span)
            && (atLeast is null || span >= atLeast) && (atMost is null || span <= atMost))
        {
            return span;
        }

        yaml.Error(node, path, mustBe);
        return null;
    }
}
