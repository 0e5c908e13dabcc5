using McpGuard.Policy.Pins;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// <c>pins: { file, on_change, on_new }</c> (docs/pins.md); the file is resolved against the policy's folder. The
/// compiler reads the lock file itself once the whole policy is valid.
/// </summary>
internal sealed class PinsParser(YamlWalker yaml)
{
    private static readonly string[] s_pinKeys = ["file", "on_change", "on_new"];

    public PinSettings? Parse(YamlNode node)
    {
        var keys = yaml.MappingKeys(node, "pins", s_pinKeys, "must be a mapping with file, on_change, on_new");
        if (keys is null)
        {
            return null;
        }

        var file = PinSettings.DefaultFile(yaml.Source);
        if (keys.TryGetValue("file", out var fileNode))
        {
            if (Scalar(fileNode) is { Length: > 0 } written)
            {
                var folder = Path.GetDirectoryName(Path.GetFullPath(yaml.Source)) ?? ".";
                file = Path.GetFullPath(Path.Combine(folder, written));
            }
            else
            {
                yaml.Error(fileNode, "pins.file", "must be the lock file's path, relative to the policy file");
            }
        }

        return new PinSettings
        {
            File = file,
            OnChange = keys.TryGetValue("on_change", out var change)
                ? ParseAction(change, "pins.on_change", allowAllow: false)
                : PinAction.Hide,
            OnNew = keys.TryGetValue("on_new", out var added)
                ? ParseAction(added, "pins.on_new", allowAllow: true)
                : PinAction.Hide,
        };
    }

    private PinAction ParseAction(YamlNode node, string path, bool allowAllow)
    {
        switch (Scalar(node))
        {
            case "hide": return PinAction.Hide;
            case "deny": return PinAction.Deny;
            case "require_approval": return PinAction.RequireApproval;
            case "allow" when allowAllow: return PinAction.Allow;
            default:
                // An unreadable value must not weaken the pin: report it, and hide meanwhile (no policy is built
                // anyway).
                var choices = allowAllow
                    ? ", require_approval or allow"
                    : " or require_approval (a changed tool is never simply allowed)";
                yaml.Error(node, path,
                    $"must be hide, deny{choices}, not '{Scalar(node) ?? node.NodeType.ToString()}'");
                return PinAction.Hide;
        }
    }
}
