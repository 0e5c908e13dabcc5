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

    /// <summary>
    /// Which protocol eras the server speaks, and how it treats the other (<see cref="RawServerEra"/>).
    /// </summary>
    public RawServerEra Era { get; init; }

    /// <summary>
    /// With <see cref="RawServerEra.ExitsBeforeInitialize"/>: a notification before initialize kills the session too,
    /// as a request does (stricter than the Python SDK 1.9.3, which logs and ignores one).
    /// </summary>
    public bool DiesOfNotifications { get; init; }

    /// <summary>
    /// A file to wait for before reading stdin at all: a server slow to start, told when by the test.
    /// </summary>
    public string? ReadAfter { get; init; }

    /// <summary>The name in its initialize and server/discover answers.</summary>
    public string ServerName { get; init; } = "fake";

    public static RawServerConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var pages = root.TryGetProperty("pages", out var list)
            ? [.. list.EnumerateArray().Select(page => page.GetRawText())]
            : root.TryGetProperty("listFile", out var file)
                ? [ToolsOf(file.GetString()!)]
                : new List<string> { """[{"name":"echo","inputSchema":{"type":"object"}}]""" };
        return new RawServerConfig
        {
            Pages = pages,
            HoldToolsList = Flag(root, "holdToolsList"),
            AnnounceHeldLists = Flag(root, "announceHeldLists"),
            FailFirstToolsList = Flag(root, "failFirstToolsList"),
            IgnoreEof = Flag(root, "ignoreEof"),
            IgnoreSigterm = Flag(root, "ignoreSigterm"),
            DiesOfNotifications = Flag(root, "diesOfNotifications"),
            ReadAfter = root.TryGetProperty("readAfter", out var readAfter) ? readAfter.GetString() : null,
            ExitCodeOnEof = root.TryGetProperty("exitCodeOnEof", out var code) ? code.GetInt32() : 0,
            Era = root.TryGetProperty("era", out var era)
                ? Enum.Parse<RawServerEra>(era.GetString()!, ignoreCase: true)
                : RawServerEra.Legacy,
            ServerName = root.TryGetProperty("serverName", out var name) ? name.GetString()! : "fake",
        };
    }

    /// <summary>The tools array of a saved tools/list result (pretty-printed is fine), on one line.</summary>
    private static string ToolsOf(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return RawServer.Compact(document.RootElement.GetProperty("tools"));
    }

    private static bool Flag(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
