using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Yaml;

/// <summary>
/// The one YAML front end of every file a user writes (the policy, its cases): one walker per file visits the tree
/// once and collects every problem, not only the first, each with file, line, column and path. Unknown keys are
/// errors with a suggestion when one is close to a known key (<c>defualt</c> → <c>default</c>), in every file
/// alike. The parsers of a file share its walker: it is their error sink.
/// </summary>
internal sealed class YamlWalker(string source)
{
    private readonly List<PolicyError> _errors = [];

    public IReadOnlyList<PolicyError> Errors => _errors;

    /// <summary>The file being read, as errors name it.</summary>
    public string Source => source;

    /// <summary>Reports a problem at <paramref name="node"/>; walkers go on to find the next one.</summary>
    public void Error(YamlNode node, string path, string message) =>
        _errors.Add(new PolicyError(source, (int)node.Start.Line, (int)node.Start.Column, path, message));

    /// <summary>Reports problems found in a file this one names (a policy's lock file), as they were found.</summary>
    public void Report(IEnumerable<PolicyError> problems) => _errors.AddRange(problems);

    /// <summary>Reports a problem and gives the "no value" of a value type, for parsers that return one.</summary>
    public T? ErrorValue<T>(YamlNode node, string path, string message)
        where T : struct
    {
        Error(node, path, message);
        return null;
    }

    /// <summary>Reports a problem and gives null, for parsers that return a reference.</summary>
    public T? Nothing<T>(YamlNode node, string path, string message)
        where T : class
    {
        Error(node, path, message);
        return null;
    }

    /// <summary>The mapping's keys, each once; unknown and duplicate keys are reported.</summary>
    public Dictionary<string, YamlNode> Keys(YamlMappingNode map, string path, IReadOnlyList<string> known)
    {
        var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Scalar(keyNode) ?? "";
            var keyPath = path == "$" ? key : $"{path}.{key}";
            if (!known.Contains(key))
            {
                var hint = KeySuggestion.Closest(key, known);
                var didYouMean = hint is null ? "" : $"; did you mean '{hint}'?";
                Error(keyNode, keyPath, $"unknown key '{key}'{didYouMean} (known: {string.Join(", ", known)})");
            }
            else if (!keys.TryAdd(key, value))
            {
                Error(keyNode, keyPath, "is written twice");
            }
        }

        return keys;
    }

    /// <summary>
    /// The keys of a block that must be a mapping (as <see cref="Keys"/> reads them); any other node is reported as
    /// <paramref name="notAMapping"/> and gives null, so the parser falls back to its default.
    /// </summary>
    public Dictionary<string, YamlNode>? MappingKeys(
        YamlNode node, string path, IReadOnlyList<string> known, string notAMapping)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, path, notAMapping);
            return null;
        }

        return Keys(map, path, known);
    }

    /// <summary>A list of plain strings (<c>[a, b]</c>); anything else is reported and reads as none.</summary>
    public List<string> Strings(YamlNode node, string path)
    {
        if (node is YamlSequenceNode list && list.Children.All(c => c is YamlScalarNode))
        {
            return [.. list.Children.Select(c => Scalar(c) ?? "")];
        }

        Error(node, path, "must be a list of strings");
        return [];
    }

    public static string? Scalar(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value : null;

    public static bool IsQuoted(YamlNode node) => node is YamlScalarNode
    {
        Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded,
    };
}
