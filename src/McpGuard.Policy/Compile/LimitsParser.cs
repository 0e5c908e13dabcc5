using McpGuard.Policy.Limits;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

/// <summary><c>limits: { rate_limit: ... }</c> (docs/limits.md): the rate limit across all tools.</summary>
internal sealed class LimitsParser(YamlWalker yaml)
{
    public RateLimitSpec? Parse(YamlNode node)
    {
        var keys = yaml.MappingKeys(node, "limits", ["rate_limit"], "must be a mapping with rate_limit");
        return keys is not null && keys.TryGetValue("rate_limit", out var rate)
            ? new LimitSpecParser(yaml).ParseRateLimit(rate, "limits.rate_limit")
            : null;
    }
}
