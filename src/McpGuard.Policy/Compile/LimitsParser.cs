using McpGuard.Policy.Limits;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

/// <summary><c>limits: { rate_limit: ... }</c> (docs/limits.md): the rate limit across all tools.</summary>
internal sealed class LimitsParser(YamlWalker yaml)
{
    public RateLimitSpec? Parse(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            yaml.Error(node, "limits", "must be a mapping with rate_limit");
            return null;
        }

        var keys = yaml.Keys(map, "limits", ["rate_limit"]);
        return keys.TryGetValue("rate_limit", out var rate)
            ? new LimitSpecParser(yaml).ParseRateLimit(rate, "limits.rate_limit")
            : null;
    }
}
