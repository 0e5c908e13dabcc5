using McpGuard.Policy.Settings;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary><c>audit: { path, arguments }</c> (docs/audit.md).</summary>
internal sealed class AuditParser(YamlWalker yaml)
{
    private static readonly string[] s_auditKeys = ["path", "arguments"];

    public AuditSettings Parse(YamlNode node)
    {
        var keys = yaml.MappingKeys(node, "audit", s_auditKeys, "must be a mapping with path and arguments");
        if (keys is null)
        {
            return AuditSettings.Default;
        }

        var settings = AuditSettings.Default with
        {
            Path = keys.TryGetValue("path", out var path) ? Scalar(path) : null,
        };
        if (keys.TryGetValue("arguments", out var mode))
        {
            switch (Scalar(mode))
            {
                case "full": settings = settings with { Arguments = AuditArgumentsMode.Full }; break;
                case "redact": settings = settings with { Arguments = AuditArgumentsMode.Redact }; break;
                case "hash": settings = settings with { Arguments = AuditArgumentsMode.Hash }; break;
                case "none": settings = settings with { Arguments = AuditArgumentsMode.None }; break;
                default: yaml.Error(mode, "audit.arguments", "must be full, redact, hash or none"); break;
            }
        }

        return settings;
    }
}
