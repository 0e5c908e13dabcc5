using System.Globalization;
using System.Text.RegularExpressions;
using McpGuard.Policy.Results;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// <c>results: { redact, block, max_bytes }</c>, globally or in a <c>tools</c> entry (docs/results.md).
/// </summary>
internal sealed class ResultsParser(YamlWalker yaml)
{
    private static readonly string[] s_resultKeys = ["redact", "block", "max_bytes"];
    private static readonly string[] s_patternKeys = ["name", "regex"];

    /// <param name="path">Where the block is: <c>results</c>, or <c>tools.NAME.results</c>.</param>
    public ResultRules Parse(YamlNode node, string path)
    {
        var keys = yaml.MappingKeys(node, path, s_resultKeys, "must be a mapping with redact, block, max_bytes");
        if (keys is null)
        {
            return ResultRules.None;
        }

        return new ResultRules
        {
            Redact = keys.TryGetValue("redact", out var redact) ? ParseDetectors(redact, $"{path}.redact") : [],
            Block = keys.TryGetValue("block", out var block) ? ParseDetectors(block, $"{path}.block") : [],
            MaxBytes = keys.TryGetValue("max_bytes", out var max) ? ParseSize(max, $"{path}.max_bytes") : null,
        };
    }

    private List<TextDetector> ParseDetectors(YamlNode node, string path)
    {
        var detectors = new List<TextDetector>();
        if (node is not YamlSequenceNode list)
        {
            yaml.Error(node, path,
                $"must be a list of detectors ({string.Join(", ", BuiltInDetectors.Names)}) or {{ name, regex }}");
            return detectors;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var itemPath = $"{path}[{i}]";
            var detector = item is YamlMappingNode pattern
                ? ParsePattern(pattern, itemPath)
                : ParseBuiltIn(item, itemPath);
            if (detector is null)
            {
                continue;
            }

            if (detectors.Any(d => d.Name == detector.Name))
            {
                yaml.Error(item, itemPath, $"'{detector.Name}' is listed twice");
                continue;
            }

            detectors.Add(detector);
        }

        return detectors;
    }

    private TextDetector? ParseBuiltIn(YamlNode node, string path)
    {
        var name = Scalar(node);
        if (name is not null && BuiltInDetectors.TryFind(name, out var detector))
        {
            return detector;
        }

        var hint = name is null ? null : KeySuggestion.Closest(name, [.. BuiltInDetectors.Names]);
        var didYouMean = hint is null ? "" : $"; did you mean '{hint}'?";
        yaml.Error(node, path, $"unknown detector '{name ?? node.NodeType.ToString()}'{didYouMean} " +
            $"(built in: {string.Join(", ", BuiltInDetectors.Names)}; or your own as {{ name, regex }})");
        return null;
    }

    /// <summary>
    /// <c>{ name, regex }</c>: compiled with NonBacktracking, so a pattern is either linear in the text or refused
    /// here (.NET throws NotSupportedException for constructs that need backtracking).
    /// </summary>
    private RegexDetector? ParsePattern(YamlMappingNode map, string path)
    {
        var keys = yaml.Keys(map, path, s_patternKeys);
        var name = keys.TryGetValue("name", out var nameNode) ? Scalar(nameNode) : null;
        if (name is null || !IsDetectorName(name))
        {
            yaml.Error(nameNode ?? map, $"{path}.name",
                "is required: lower-case letters, digits and dashes (it shows in [redacted: NAME])");
            return null;
        }

        if (BuiltInDetectors.TryFind(name, out _))
        {
            yaml.Error(nameNode!, $"{path}.name", $"'{name}' is a built-in detector; give your pattern another name");
            return null;
        }

        if (!keys.TryGetValue("regex", out var regexNode) || Scalar(regexNode) is not { Length: > 0 } pattern)
        {
            yaml.Error(regexNode ?? map, $"{path}.regex", "is required: the pattern to redact or block");
            return null;
        }

        try
        {
            var regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            return new RegexDetector(name, regex);
        }
        catch (NotSupportedException ex)
        {
            yaml.Error(regexNode, $"{path}.regex",
                $"cannot run in linear time (no back-references, lookarounds or atomic groups): {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            yaml.Error(regexNode, $"{path}.regex", $"is not a valid regular expression: {ex.Message}");
        }

        return null;
    }

    private static bool IsDetectorName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>Bytes, or a number with B, KB, MB or GB (powers of 1024; KiB, MiB, GiB are the same).</summary>
    private long? ParseSize(YamlNode node, string path)
    {
        var text = Scalar(node)?.Trim() ?? "";
        var digits = text.TakeWhile(char.IsAsciiDigit).Count();
        var unit = text[digits..].Trim().ToUpperInvariant();
        long? multiplier = unit switch
        {
            "" or "B" => 1,
            "KB" or "KIB" => 1L << 10,
            "MB" or "MIB" => 1L << 20,
            "GB" or "GIB" => 1L << 30,
            _ => null,
        };
        if (digits == 0 || multiplier is null
            || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count == 0 || count > long.MaxValue / multiplier)
        {
            yaml.Error(node, path, $"must be a size above zero such as 1048576, 512KB or 1MB, not '{text}'");
            return null;
        }

        return count * multiplier;
    }
}
