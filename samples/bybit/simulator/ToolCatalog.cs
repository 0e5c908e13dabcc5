using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.BybitSimulator;

/// <summary>The tools as the real Bybit server lists them, from the embedded <c>tools.json</c>.</summary>
internal static class ToolCatalog
{
    public static IList<Tool> Tools { get; } = Load();

    private static List<Tool> Load()
    {
        using var stream = typeof(ToolCatalog).Assembly.GetManifestResourceStream("tools.json")
            ?? throw new InvalidOperationException("tools.json is not embedded.");
        using var document = JsonDocument.Parse(stream);
        return [.. document.RootElement.GetProperty("tools").EnumerateArray()
            .Select(t => t.Deserialize<Tool>(McpJsonUtilities.DefaultOptions)!)];
    }
}
