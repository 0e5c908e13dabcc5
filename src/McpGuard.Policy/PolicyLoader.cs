using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy;

/// <summary>
/// Reads a policy file (YAML; JSON is YAML too) into a <see cref="CompiledPolicy"/>, collecting every error.
/// This is the minimal subset (version, default, hide, tools: NAME: action); the full language replaces it.
/// </summary>
public static class PolicyLoader
{
    public static PolicyLoadResult LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(new PolicyError(path, 0, 0, "$", $"cannot read the policy file: {ex.Message}"));
        }

        return LoadText(text, path);
    }

    public static PolicyLoadResult LoadText(string text, string source)
    {
        var errors = new List<PolicyError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            return Fail(new PolicyError(source, (int)ex.Start.Line, (int)ex.Start.Column, "$", ex.Message));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return Fail(new PolicyError(source, 1, 1, "$", "the policy is empty or not a mapping"));
        }

        Verdict? defaultVerdict = null;
        var hide = new List<string>();
        var tools = new Dictionary<string, Verdict>(StringComparer.Ordinal);
        var sawVersion = false;
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value;
            switch (key)
            {
                case "version":
                    sawVersion = true;
                    if (value is not YamlScalarNode { Value: "1" })
                    {
                        errors.Add(Error(source, value, "version", "must be 1"));
                    }

                    break;
                case "default":
                    defaultVerdict = ParseVerdict(value, source, "default", errors);
                    break;
                case "hide":
                    if (value is YamlSequenceNode seq)
                    {
                        hide.AddRange(seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? ""));
                    }
                    else
                    {
                        errors.Add(Error(source, value, "hide", "must be a list of tool names"));
                    }

                    break;
                case "tools":
                    if (value is YamlMappingNode map)
                    {
                        foreach (var (name, action) in map.Children)
                        {
                            var toolName = ((YamlScalarNode)name).Value ?? "";
                            if (ParseVerdict(action, source, $"tools.{toolName}", errors) is { } verdict)
                            {
                                tools[toolName] = verdict;
                            }
                        }
                    }

                    break;
                default:
                    errors.Add(Error(source, keyNode, key ?? "?", "unknown key"));
                    break;
            }
        }

        if (!sawVersion)
        {
            errors.Add(new PolicyError(source, 1, 1, "version", "is required"));
        }

        if (defaultVerdict is null)
        {
            errors.Add(new PolicyError(source, 1, 1, "default", "is required (allow, deny or require_approval)"));
        }

        return errors.Count > 0
            ? new PolicyLoadResult { Errors = errors }
            : new PolicyLoadResult { Policy = new CompiledPolicy(source, defaultVerdict!.Value, hide, tools) };
    }

    private static Verdict? ParseVerdict(YamlNode node, string source, string path, List<PolicyError> errors)
    {
        switch ((node as YamlScalarNode)?.Value)
        {
            case "allow": return Verdict.Allow;
            case "deny": return Verdict.Deny;
            case "require_approval": return Verdict.RequireApproval;
            default:
                errors.Add(Error(source, node, path, "must be allow, deny or require_approval"));
                return null;
        }
    }

    private static PolicyError Error(string source, YamlNode node, string path, string message) =>
        new(source, (int)node.Start.Line, (int)node.Start.Column, path, message);

    private static PolicyLoadResult Fail(PolicyError error) => new() { Errors = [error] };
}
