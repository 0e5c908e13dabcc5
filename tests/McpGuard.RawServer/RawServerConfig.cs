using System.Text.Json;

namespace McpGuard.RawServer;

/// <summary>The test's instructions, as JSON (TestUtils/FakeServer.cs writes them).</summary>
internal sealed record RawServerConfig
{
    /// <summary>Pages of tools (raw JSON arrays) that tools/list returns.</summary>
    public required List<string> Pages { get; init; }

    public bool HoldToolsList { get; init; }

    public bool AnnounceHeldLists { get; init; }

    public bool FailFirstToolsList { get; init; }

    public bool IgnoreEof { get; init; }

    public bool IgnoreSigterm { get; init; }

    public int ExitCodeOnEof { get; init; }

    public static RawServerConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var pages = root.TryGetProperty("pages", out var list)
            ? [.. list.EnumerateArray().Select(page => page.GetRawText())]
            : new List<string> { """[{"name":"echo","inputSchema":{"type":"object"}}]""" };
        return new RawServerConfig
        {
            Pages = pages,
            HoldToolsList = Flag(root, "holdToolsList"),
            AnnounceHeldLists = Flag(root, "announceHeldLists"),
            FailFirstToolsList = Flag(root, "failFirstToolsList"),
            IgnoreEof = Flag(root, "ignoreEof"),
            IgnoreSigterm = Flag(root, "ignoreSigterm"),
            ExitCodeOnEof = root.TryGetProperty("exitCodeOnEof", out var code) ? code.GetInt32() : 0,
        };
    }

    private static bool Flag(JsonElement root, string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
