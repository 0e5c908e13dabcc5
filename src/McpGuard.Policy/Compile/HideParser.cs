using McpGuard.Policy.Tools;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary><c>hide: [name or glob, ...]</c>: tools the client never sees (docs/policy.md).</summary>
internal sealed class HideParser(YamlWalker yaml)
{
    public List<Glob> Parse(YamlNode node)
    {
        var globs = new List<Glob>();
        if (node is not YamlSequenceNode list)
        {
            yaml.Error(node, "hide", "must be a list of tool names or globs");
            return globs;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            if (Scalar(list.Children[i]) is { Length: > 0 } name)
            {
                globs.Add(new Glob(name));
            }
            else
            {
                yaml.Error(list.Children[i], $"hide[{i}]", "must be a tool name or glob");
            }
        }

        return globs;
    }
}
