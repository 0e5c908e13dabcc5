using System.Text.Json;
using McpGuard.Policy.Json;
using McpGuard.Policy.Pins;

namespace McpGuard.Pins;

/// <summary>
/// What changed in a tool's definition, in lines a person can review: the description as text (lines removed
/// with <c>-</c>, added with <c>+</c>, kept ones for context), everything else by JSON path
/// (<c>~ $.inputSchema.properties.qty.type: "string" → "number"</c>). The lines are raw server text: print them
/// only through the terminal sanitiser.
/// </summary>
internal static class PinDiff
{
    /// <param name="pinned">Null for a tool the lock file does not have: every line is then an addition.</param>
    public static IReadOnlyList<string> Lines(PinnedTool? pinned, PinnedTool listed)
    {
        var lines = new List<string>();
        var before = pinned is null ? [] : Flatten(pinned.Definition);
        var after = Flatten(listed.Definition);
        var oldDescription = pinned is null ? null : Description(pinned.Definition);
        var newDescription = Description(listed.Definition);
        if (!string.Equals(oldDescription, newDescription, StringComparison.Ordinal))
        {
            lines.Add("description:");
            lines.AddRange(TextDiff.Lines(oldDescription ?? "", newDescription ?? "").Select(l => "  " + l));
        }

        foreach (var path in before.Keys.Union(after.Keys)
            .Where(p => p != "$.description")
            .Order(StringComparer.Ordinal))
        {
            var had = before.TryGetValue(path, out var old);
            var has = after.TryGetValue(path, out var now);
            if (had && has && !string.Equals(old, now, StringComparison.Ordinal))
            {
                lines.Add($"~ {path}: {old} → {now}");
            }
            else if (had && !has)
            {
                lines.Add($"- {path}: {old}");
            }
            else if (!had && has)
            {
                lines.Add($"+ {path}: {now}");
            }
        }

        return lines;
    }

    private static string? Description(JsonElement definition) =>
        definition.TryGetProperty("description"u8, out var d) ? JsonText.TryGetString(d) ?? d.GetRawText() : null;

    /// <summary>Every leaf (scalar, empty object or array) by JSON path, written as JSON.</summary>
    private static Dictionary<string, string> Flatten(JsonElement definition)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(definition, "$", leaves);
        return leaves;
    }

    private static void Walk(JsonElement value, string path, Dictionary<string, string> leaves)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.EnumerateObject().Any():
                foreach (var member in value.EnumerateObject())
                {
                    Walk(member.Value, $"{path}.{member.Name}", leaves);
                }

                break;
            case JsonValueKind.Array when value.GetArrayLength() > 0:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Walk(item, $"{path}[{index++}]", leaves);
                }

                break;
            case JsonValueKind.String:
                leaves[path] = LockFileWriter.Quote(value.GetString()!);
                break;
            default:
                leaves[path] = value.GetRawText();
                break;
        }
    }
}
