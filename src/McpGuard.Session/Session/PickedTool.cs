using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// One <c>tool_use</c> block of a sampling answer: the client's model picked a tool the server will run
/// (docs/relay.md#tasks-and-sampling-with-tools). <see cref="Name"/> is null when the block cannot be read as a
/// named call with object arguments; such a pick is refused.
/// </summary>
internal readonly record struct PickedTool(string? Name, JsonElement Input)
{
    /// <summary>
    /// The tool_use blocks of a <c>CreateMessageResult</c>, whose <c>content</c> is one block or a list of them.
    /// </summary>
    public static void AddFromResult(JsonElement result, List<PickedTool> picks)
    {
        if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("content"u8, out var content))
        {
            return;
        }

        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                AddBlock(block, picks);
            }
        }
        else
        {
            AddBlock(content, picks);
        }
    }

    /// <summary>
    /// Every pick in a 2026-07-28 retry's <c>inputResponses</c>: the bare results the spec defines, and the
    /// <c>{method, result}</c> envelope some peers send. Which response answers a sampling request does not matter:
    /// a tool_use anywhere is a pick.
    /// </summary>
    public static IReadOnlyList<PickedTool> InInputResponses(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object
            || !parameters.TryGetProperty("inputResponses"u8, out var responses)
            || responses.ValueKind != JsonValueKind.Object)
        {
            // Most calls: nothing allocated.
            return [];
        }

        var picks = new List<PickedTool>();
        foreach (var response in responses.EnumerateObject())
        {
            AddFromResult(response.Value, picks);
            if (response.Value.ValueKind == JsonValueKind.Object
                && response.Value.TryGetProperty("result"u8, out var wrapped))
            {
                AddFromResult(wrapped, picks);
            }
        }

        return picks;
    }

    private static void AddBlock(JsonElement block, List<PickedTool> picks)
    {
        if (block.ValueKind != JsonValueKind.Object
            || !block.TryGetProperty("type"u8, out var type)
            || type.ValueKind != JsonValueKind.String
            || !type.ValueEquals("tool_use"u8))
        {
            return;
        }

        var named = block.TryGetProperty("name"u8, out var name) && name.ValueKind == JsonValueKind.String;
        var input = block.TryGetProperty("input"u8, out var arguments) ? arguments : default;
        picks.Add(named && input.ValueKind == JsonValueKind.Object
            ? new PickedTool(name.GetString(), input)
            : new PickedTool(null, input));
    }
}
