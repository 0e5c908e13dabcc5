using System.Buffers;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpGuard.Policy.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Proving;

/// <summary>
/// Turns a case's <c>args</c> (YAML) into the JSON object a client would send. Quoted scalars are strings;
/// plain ones are numbers when they are JSON numbers (<c>0.01</c>, <c>-3</c>), <c>true</c>/<c>false</c>,
/// <c>null</c>/<c>~</c>, and strings otherwise (YAML 1.2's core schema, restricted to what JSON can say).
/// </summary>
internal sealed partial class YamlArguments(YamlWalker yaml, string path)
{
    // Aliases can make a small file name a huge tree (the "billion laughs"); a case never needs this much.
    private const int MaxValues = 100_000;
    private const int MaxDepth = 64;

    private int _values;
    private bool _failed;

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    /// <summary>The arguments object, or null after reporting what is wrong.</summary>
    public JsonElement? Convert(YamlNode node)
    {
        if (node is not YamlMappingNode)
        {
            yaml.Error(node, path,
                "must be a mapping of argument names to values, e.g. { symbol: BTCUSDT, qty: \"0.01\" }");
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node, path, 0);
        }

        if (_failed)
        {
            return null;
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private void Write(Utf8JsonWriter writer, YamlNode node, string at, int depth)
    {
        if (_failed)
        {
            return;
        }

        if (++_values > MaxValues || depth > MaxDepth)
        {
            Fail(node, at, $"is too large (more than {MaxValues} values or {MaxDepth} levels deep)");
            return;
        }

        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (keyNode, value) in map.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key } || !seen.Add(key))
                    {
                        Fail(keyNode, at, keyNode is YamlScalarNode
                            ? "has a key written twice"
                            : "has a key that is not a plain name");
                        return;
                    }

                    writer.WritePropertyName(key);
                    Write(writer, value, $"{at}.{key}", depth + 1);
                    if (_failed)
                    {
                        return;
                    }
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode list:
                writer.WriteStartArray();
                for (var i = 0; i < list.Children.Count; i++)
                {
                    Write(writer, list.Children[i], $"{at}[{i}]", depth + 1);
                    if (_failed)
                    {
                        return;
                    }
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar, at);
                break;
            default:
                Fail(node, at, "is not a value JSON can hold");
                break;
        }
    }

    private void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar, string at)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is not null && tag != "tag:yaml.org,2002:str")
        {
            Fail(scalar, at, $"has the tag {tag}; write the value plainly, or quote it for a string");
            return;
        }

        if (tag is not null || scalar.Style is not ScalarStyle.Plain and not ScalarStyle.Any)
        {
            writer.WriteStringValue(text);
        }
        else if (text is "true" or "false")
        {
            writer.WriteBooleanValue(text == "true");
        }
        else if (text is "" or "~" or "null")
        {
            writer.WriteNullValue();
        }
        else if (JsonNumber().IsMatch(text))
        {
            // As written, digit for digit: the policy compares numbers exactly as decimals.
            writer.WriteRawValue(text, skipInputValidation: false);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    private void Fail(YamlNode node, string at, string message)
    {
        _failed = true;
        yaml.Error(node, at, message);
    }
}
