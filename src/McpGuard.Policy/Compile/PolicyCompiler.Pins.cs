using McpGuard.Policy.Pins;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

internal sealed partial class PolicyCompiler
{
    private static readonly string[] s_pinKeys = ["file", "on_change", "on_new"];

    /// <summary>
    /// <c>pins: { file, on_change, on_new }</c> (docs/pins.md); the file is resolved against the policy's folder.
    /// </summary>
    private PinSettings? ParsePins(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "pins", "must be a mapping with file, on_change, on_new");
            return null;
        }

        var keys = Keys(map, "pins", s_pinKeys);
        var file = PinSettings.DefaultFile(Source);
        if (keys.TryGetValue("file", out var fileNode))
        {
            if (Scalar(fileNode) is { Length: > 0 } written)
            {
                file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(Source)) ?? ".", written));
            }
            else
            {
                Error(fileNode, "pins.file", "must be the lock file's path, relative to the policy file");
            }
        }

        return new PinSettings
        {
            File = file,
            OnChange = keys.TryGetValue("on_change", out var change) ? ParsePinAction(change, "pins.on_change", allowAllow: false) : PinAction.Hide,
            OnNew = keys.TryGetValue("on_new", out var added) ? ParsePinAction(added, "pins.on_new", allowAllow: true) : PinAction.Hide,
        };
    }

    private PinAction ParsePinAction(YamlNode node, string path, bool allowAllow)
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
                Error(node, path, $"must be hide, deny{(allowAllow ? ", require_approval or allow" : " or require_approval (a changed tool is never simply allowed)")}, not '{Scalar(node) ?? node.NodeType.ToString()}'");
                return PinAction.Hide;
        }
    }

    /// <summary>
    /// Reads the lock file named by <c>pins.file</c> through the loader's reader (the compiler itself does no I/O).
    /// </summary>
    private PinSet? LoadPins(PinSettings settings)
    {
        var loaded = readLockFile(settings.File);
        Report(loaded.Errors);
        return loaded.Pins;
    }
}
