using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Yaml;

/// <summary>
/// The one YAML front end of every file a user writes (the policy, its cases): a walker visits the tree once and
/// collects every problem, not only the first, each with file, line, column and path. Unknown keys are errors with a
/// suggestion when one is close to a known key (<c>defualt</c> → <c>default</c>), in every file alike.
/// </summary>
internal abstract class YamlWalker(string source)
{
    private readonly List<PolicyError> _errors = [];

    public IReadOnlyList<PolicyError> Errors => _errors;

    /// <summary>The file being read, as errors name it.</summary>
    protected string Source => source;

    /// <summary>Reports a problem at <paramref name="node"/>; walkers go on to find the next one.</summary>
    internal void Error(YamlNode node, string path, string message) =>
        _errors.Add(new PolicyError(source, (int)node.Start.Line, (int)node.Start.Column, path, message));

    /// <summary>Reports problems found in a file this one names (a policy's lock file), as they were found.</summary>
    protected void Report(IEnumerable<PolicyError> problems) => _errors.AddRange(problems);

    /// <summary>Reports a problem and gives the "no value" of a value type, for parsers that return one.</summary>
    protected T? ErrorValue<T>(YamlNode node, string path, string message)
        where T : struct
    {
        Error(node, path, message);
        return null;
    }

    /// <summary>Reports a problem and gives null, for parsers that return a reference.</summary>
    protected T? Nothing<T>(YamlNode node, string path, string message)
        where T : class
    {
        Error(node, path, message);
        return null;
    }

    /// <summary>The mapping's keys, each once; unknown and duplicate keys are reported.</summary>
    protected Dictionary<string, YamlNode> Keys(YamlMappingNode map, string path, IReadOnlyList<string> known)
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

    protected static string? Scalar(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value : null;

    protected static bool IsQuoted(YamlNode node) => node is YamlScalarNode
    {
        Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded,
    };
}
