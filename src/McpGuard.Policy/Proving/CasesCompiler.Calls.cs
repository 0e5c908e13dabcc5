using System.Globalization;
using McpGuard.Policy.Decide;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Proving;

/// <summary>
/// The call of a case or a step (call, args, expect, reason, repeat) and the helpers every section shares.
/// </summary>
internal sealed partial class CasesCompiler
{
    private CallStep? Call(YamlMappingNode map, Dictionary<string, YamlNode> keys, string path, bool allowRepeat)
    {
        string? tool = null;
        if (!keys.TryGetValue("call", out var callNode))
        {
            _yaml.Error(map, $"{path}.call", allowRepeat
                ? "is required: a step is a call (call, args, expect) or a wait"
                : "is required (or `steps`): the tool this case calls");
        }
        else
        {
            tool = Text(callNode, $"{path}.call");
        }

        CallVerdict? expect = null;
        if (!keys.TryGetValue("expect", out var expectNode))
        {
            _yaml.Error(map, $"{path}.expect", $"is required: one of {string.Join(", ", DecisionWords.AllProven)}");
        }
        else if (DecisionWords.TryParseProven((expectNode as YamlScalarNode)?.Value, out var verdict))
        {
            expect = verdict;
        }
        else
        {
            _yaml.Error(expectNode, $"{path}.expect", $"must be one of {string.Join(", ", DecisionWords.AllProven)}");
        }

        string? reason = null;
        if (keys.TryGetValue("reason", out var reasonNode))
        {
            reason = Text(reasonNode, $"{path}.reason");
            if (expect is CallVerdict.Allow or CallVerdict.UnknownTool)
            {
                _yaml.Error(reasonNode, $"{path}.reason", "only a deny or a require_approval has a reason to check");
            }
        }

        var approve = false;
        if (keys.TryGetValue("approve", out var approveNode))
        {
            switch ((approveNode as YamlScalarNode)?.Value)
            {
                case "true":
                    approve = true;
                    break;
                case "false":
                    break;
                default:
                    _yaml.Error(approveNode, $"{path}.approve", "must be true (a person approves if asked) or false");
                    break;
            }
        }

        var repeat = 1;
        if (allowRepeat && keys.TryGetValue("repeat", out var repeatNode)
            && !(int.TryParse(
                    (repeatNode as YamlScalarNode)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out repeat)
                && repeat is >= 1 and <= MaxRepeat))
        {
            _yaml.Error(repeatNode, $"{path}.repeat", $"must be a whole number from 1 to {MaxRepeat}");
        }

        var expectResult = keys.TryGetValue("expect_result", out var resultNode)
            ? ExpectResult(resultNode, $"{path}.expect_result")
            : null;
        var arguments = keys.TryGetValue("args", out var argsNode)
            ? new YamlArguments(_yaml, $"{path}.args").Convert(argsNode)
            : null;
        if (tool is null || expect is null || (argsNode is not null && arguments is null)
            || (resultNode is not null && expectResult is null))
        {
            return null;
        }

        return new CallStep
        {
            Line = (int)map.Start.Line,
            Tool = tool,
            Arguments = arguments ?? default,
            Repeat = repeat,
            Expect = expect.Value,
            Reason = reason,
            Approve = approve,
            ExpectResult = expectResult,
        };
    }

    private static readonly string[] s_resultKeys = ["sample", "redacted", "blocked"];

    /// <summary>
    /// <c>expect_result: { sample, redacted: [NAMES] | blocked: NAME }</c> (docs/results.md#proving-result-rules).
    /// </summary>
    private ExpectedResult? ExpectResult(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            _yaml.Error(node, path,
                "must be a mapping: { sample, redacted: [detectors] } or { sample, blocked: detector }");
            return null;
        }

        var keys = _yaml.Keys(map, path, s_resultKeys);
        var sample = keys.TryGetValue("sample", out var sampleNode) ? (sampleNode as YamlScalarNode)?.Value : null;
        if (sample is null)
        {
            _yaml.Error(sampleNode ?? map, $"{path}.sample", "is required: the text of an answer the tool could give");
        }

        var redacted = new List<string>();
        if (keys.TryGetValue("redacted", out var redactedNode))
        {
            if (redactedNode is YamlSequenceNode list
                && list.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }))
            {
                redacted.AddRange(list.Children.Select(c => ((YamlScalarNode)c).Value!));
            }
            else
            {
                _yaml.Error(redactedNode, $"{path}.redacted",
                    "must be a list of detector names ([] when nothing may be redacted)");
            }
        }

        var blocked = keys.TryGetValue("blocked", out var blockedNode) ? (blockedNode as YamlScalarNode)?.Value : null;
        if (blockedNode is not null && (blocked is not { Length: > 0 } || redactedNode is not null))
        {
            _yaml.Error(blockedNode, $"{path}.blocked",
                "must be one detector name, and a case expects either redacted or blocked");
        }

        return sample is null ? null : new ExpectedResult { Sample = sample, Redacted = redacted, Blocked = blocked };
    }

    /// <summary>A non-empty scalar, or null after reporting why not.</summary>
    private string? Text(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { Length: > 0 } value }
            ? value
            : _yaml.Nothing<string>(node, path, "must be a non-empty text");

    private CaseStep? NothingStep(YamlNode node, string path, string message)
    {
        _yaml.Error(node, path, message);
        return null;
    }

}
