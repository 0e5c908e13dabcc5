using System.Text.Json;

namespace McpGuard.EndToEndTests.TestUtils;

/// <summary>
/// Servers with the real Bybit server's tools (samples/bybit/bybit-tools.json) in each protocol era: the raw test
/// server in a mode of tests/McpGuard.RawServer/RawServerEra.cs, calling itself bybit-mcp as the real one does, or
/// the sample's simulator.
/// </summary>
internal static class BybitServers
{
    /// <summary>The Python SDK 1.9.3's behaviour: any request before initialize ends the process.</summary>
    public const string ExitsBeforeInitialize = "exitsBeforeInitialize";

    /// <summary>The 2026-07-28 era only: initialize is refused with an error.</summary>
    public const string ModernOnly = "modernOnly";

    public const string BothEras = "bothEras";

    public const string Simulator = "simulator";

    public static TheoryData<string> All => [ExitsBeforeInitialize, ModernOnly, BothEras, Simulator];

    /// <param name="moreConfig">More of the raw server's config (RawServerConfig), as JSON members.</param>
    public static IEnumerable<string> Command(string server, string? moreConfig = null)
    {
        if (server == Simulator)
        {
            return GuardedServer.BybitSimulator();
        }

        var listFile = JsonSerializer.Serialize(RepoPaths.BybitTools);
        var more = moreConfig is null ? "" : "," + moreConfig;
        var config = $$$"""{"era":"{{{server}}}","serverName":"bybit-mcp","listFile":{{{listFile}}}{{{more}}}}""";
        return ["dotnet", RepoPaths.RawServerDll, TempFiles.NewPath("received.jsonl"), config];
    }

    /// <summary>
    /// The sample policy with its lock file named by absolute path, for a copy of it in the temp folder.
    /// </summary>
    public static string SamplePolicy() =>
        File.ReadAllText(RepoPaths.BybitPolicy).Replace(
            "file: bybit.lock.json", $"file: {Path.Combine(RepoPaths.Root, "samples/bybit/bybit.lock.json")}",
            StringComparison.Ordinal);
}
