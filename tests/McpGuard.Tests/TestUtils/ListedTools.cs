using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using McpGuard.Inventory;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Tests.TestUtils;

/// <summary>Tools as a server lists them (<see cref="ServerTool"/>), made from their JSON definitions.</summary>
internal static class ListedTools
{
    private static readonly JsonTypeInfo<Tool> s_toolType = McpJsonUtilities.DefaultOptions.GetTypeInfo<Tool>();

    public static ServerTool One(string definition)
    {
        using var document = JsonDocument.Parse(definition);
        return One(document.RootElement);
    }

    public static ServerTool One(JsonElement definition) =>
        new(definition.Deserialize(s_toolType)!, definition.Clone());

    /// <summary>Each definition of a JSON array, as a <c>tools/list</c> result's <c>tools</c>.</summary>
    public static List<ServerTool> All(JsonElement definitions) => [.. definitions.EnumerateArray().Select(One)];
}
