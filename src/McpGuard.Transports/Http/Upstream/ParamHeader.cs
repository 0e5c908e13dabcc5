using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpGuard.Http.Upstream;

/// <summary>
/// One <c>x-mcp-header</c> declaration: the argument at <see cref="Path"/> (a chain of <c>properties</c> keys) is
/// mirrored in <c>Mcp-Param-</c><see cref="Name"/>. As the spec and the TypeScript SDK read it: only on a string,
/// integer or boolean property reached through <c>properties</c> alone, a header token, unique case-insensitively;
/// a tool with any declaration that breaks this gets none (conforming clients leave such a tool alone).
/// </summary>
internal sealed partial record ParamHeader(string[] Path, string Name)
{
    public static ParamHeader[] Scan(JsonElement schema)
    {
        var found = new List<ParamHeader>();
        if (!Visit(schema, [], found))
        {
            return [];
        }

        return found.Select(h => h.Name.ToUpperInvariant()).Distinct().Count() == found.Count ? [.. found] : [];
    }

    /// <summary>The argument as the header carries it; null when it is absent, null or not a primitive.</summary>
    public string? ValueIn(JsonElement arguments)
    {
        var node = arguments;
        foreach (var key in Path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(key, out var child))
            {
                return null;
            }

            node = child;
        }

        return node.ValueKind switch
        {
            JsonValueKind.String => node.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number when node.TryGetInt64(out var whole) => whole.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    /// <summary>False when a declaration is misplaced or malformed anywhere in the schema.</summary>
    private static bool Visit(JsonElement schema, string[] path, List<ParamHeader> found)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        foreach (var member in schema.EnumerateObject())
        {
            if (member.NameEquals("x-mcp-header"))
            {
                var type = schema.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String
                    ? t.GetString()
                    : null;
                if (path.Length == 0 || member.Value.ValueKind != JsonValueKind.String
                    || !Token().IsMatch(member.Value.GetString()!) || type is not ("string" or "integer" or "boolean"))
                {
                    return false;
                }

                found.Add(new ParamHeader(path, member.Value.GetString()!));
            }
            else if (member.NameEquals("properties") && member.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in member.Value.EnumerateObject())
                {
                    if (!Visit(property.Value, [.. path, property.Name], found))
                    {
                        return false;
                    }
                }
            }
            else if (member.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && Mentions(member.Value))
            {
                // items, anyOf, $defs, …: a declaration there is not statically reachable: the tool is invalid.
                return false;
            }
        }

        return true;
    }

    private static bool Mentions(JsonElement element) =>
        element.GetRawText().Contains("\"x-mcp-header\"", StringComparison.Ordinal);

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")]
    private static partial Regex Token();
}
