using System.Text.Json;
using McpGuard.Policy.Pins;

namespace McpGuard.Tests.Pins;

internal static class PinTestData
{
    public const string PlaceOrder = """
        {"name":"place_order","description":"Places an order.\nUse with care.",
         "inputSchema":{"type":"object","properties":{
          "side":{"type":"string","enum":["Buy","Sell"]},"qty":{"type":"string"},
          "tp":{"type":"object","properties":{"price":{"type":"string"}}}}},
         "annotations":{"destructiveHint":false},"_meta":{"x":1}}
        """;

    public static PinnedTool Pin(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.True(ToolDefinition.TryFingerprint(document.RootElement, out var pinned, out var problem), problem);
        return pinned;
    }

    /// <summary>The place_order definition with one edit, given as a JSON text replacement.</summary>
    public static PinnedTool Edited(string from, string to)
    {
        Assert.Contains(from, PlaceOrder, StringComparison.Ordinal);
        return Pin(PlaceOrder.Replace(from, to, StringComparison.Ordinal));
    }
}
