using McpGuard.Policy.Values;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Proving;

/// <summary>Walks a cases file's YAML tree once, building the cases and collecting every problem.</summary>
internal sealed partial class CasesCompiler(string source)
{
    private static readonly string[] s_topKeys = ["cases"];
    private static readonly string[] s_caseKeys =
        ["name", "call", "args", "expect", "reason", "approve", "expect_result", "steps"];
    private static readonly string[] s_callKeys =
        ["call", "args", "expect", "reason", "approve", "expect_result", "repeat"];
    private static readonly string[] s_waitKeys = ["wait"];
    private static readonly string[] s_oneCallKeys = ["call", "args", "expect", "reason", "approve", "expect_result"];

    /// <summary>Enough for any sequence a person writes; a typo of a few zeros would only make the run slow.</summary>
    private const int MaxRepeat = 100_000;

    private readonly YamlWalker _yaml = new(source);

    public IReadOnlyList<PolicyError> Errors => _yaml.Errors;

    public List<PolicyCase> Compile(YamlNode root)
    {
        var cases = new List<PolicyCase>();
        if (root is not YamlMappingNode map)
        {
            _yaml.Error(root, "$", "the cases file must be a mapping with one key, `cases:`, holding a list of cases");
            return cases;
        }

        var keys = _yaml.Keys(map, "$", s_topKeys);
        if (!keys.TryGetValue("cases", out var list))
        {
            _yaml.Error(root, "cases", "is required: a list of cases, each with a name, a call and what to expect");
            return cases;
        }

        if (list is not YamlSequenceNode { Children.Count: > 0 } sequence)
        {
            _yaml.Error(list, "cases", "must be a non-empty list of cases");
            return cases;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (Case(sequence.Children[i], $"cases[{i}]") is { } parsed)
            {
                if (!names.Add(parsed.Name))
                {
                    _yaml.Error(sequence.Children[i], $"cases[{i}].name",
                        $"'{parsed.Name}' is the name of an earlier case; names must be unique so a failure names " +
                        "one case");
                }

                cases.Add(parsed);
            }
        }

        return cases;
    }

    private PolicyCase? Case(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            _yaml.Error(node, path, "must be a mapping: name, then call/args/expect or steps");
            return null;
        }

        var keys = _yaml.Keys(map, path, s_caseKeys);
        var name = keys.TryGetValue("name", out var nameNode) ? Text(nameNode, $"{path}.name") : null;
        if (nameNode is null)
        {
            _yaml.Error(node, $"{path}.name", "is required: the name the report shows for this case");
        }

        var steps = new List<CaseStep>();
        if (keys.TryGetValue("steps", out var stepsNode))
        {
            foreach (var key in s_oneCallKeys.Where(keys.ContainsKey))
            {
                var keyNode = map.Children.Keys.First(k => k is YamlScalarNode { Value: var v } && v == key);
                _yaml.Error(keyNode, $"{path}.{key}",
                    "a case has either `steps` or one call (call, args, expect), not both");
            }

            if (stepsNode is not YamlSequenceNode { Children.Count: > 0 } list)
            {
                _yaml.Error(stepsNode, $"{path}.steps", "must be a non-empty list of calls and waits");
            }
            else
            {
                for (var i = 0; i < list.Children.Count; i++)
                {
                    if (Step(list.Children[i], $"{path}.steps[{i}]") is { } step)
                    {
                        steps.Add(step);
                    }
                }

                if (steps.Count > 0 && !steps.Any(s => s is CallStep))
                {
                    _yaml.Error(stepsNode, $"{path}.steps", "has no call; a case must make at least one");
                }
            }
        }
        else if (Call(map, keys, path, allowRepeat: false) is { } call)
        {
            steps.Add(call);
        }

        return name is null || steps.Count == 0 ? null
            : new PolicyCase { Name = name, File = _yaml.Source, Line = (int)node.Start.Line, Steps = steps };
    }

    private CaseStep? Step(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            _yaml.Error(node, path, "must be a mapping: { call, args, expect } or { wait }");
            return null;
        }

        if (map.Children.Keys.Any(k => k is YamlScalarNode { Value: "wait" }))
        {
            var keys = _yaml.Keys(map, path, s_waitKeys);
            var wait = keys["wait"];
            return Duration.TryParse((wait as YamlScalarNode)?.Value, out var span)
                ? new WaitStep { Line = (int)node.Start.Line, Duration = span }
                : NothingStep(wait, $"{path}.wait", "must be a duration such as 500ms, 61s, 1m, 24h or 7d");
        }

        return Call(map, _yaml.Keys(map, path, s_callKeys), path, allowRepeat: true);
    }
}
