using System.Text.Json;

namespace McpGuard.RawServer;

/// <summary>What each <see cref="RawServerEra"/> does with a request of the other era.</summary>
internal static class RawServerEras
{
    private const string ModernRevision = "2026-07-28";

    /// <summary>A request is modern when its <c>_meta</c> names a revision of 2026-07-28 or later.</summary>
    public static bool IsModern(JsonElement parameters) =>
        parameters.ValueKind == JsonValueKind.Object
        && parameters.TryGetProperty("_meta", out var meta) && meta.ValueKind == JsonValueKind.Object
        && meta.TryGetProperty("io.modelcontextprotocol/protocolVersion", out var version)
        && version.ValueKind == JsonValueKind.String
        && string.CompareOrdinal(version.GetString(), ModernRevision) >= 0;

    /// <summary>True when the era's rules took care of the request (refused it, or ended the process).</summary>
    public static bool Refuses(
        RawServer server, RawServerEra era, string method, string id, bool modern, bool initialized)
    {
        switch (era)
        {
            case RawServerEra.ExitsBeforeInitialize when !initialized && method != "initialize":
                // The Python SDK 1.9.3 fails to validate the request and its session dies; the process lingers
                // without a word until it reads its next line (or EOF), then exits with code 1.
                Console.Error.WriteLine($"raw server: {method} before initialize; the session is dead");
                server.SessionDead = true;
                return true;
            case RawServerEra.ExitsBeforeInitialize when method == "server/discover":
                server.Error(id, -32601, "Method not found");
                return true;
            case RawServerEra.ModernOnly when !modern:
                // As the TypeScript SDK v2 rejects a 2025-era request on a modern-only connection.
                server.Error(id, -32022, "Unsupported protocol version", $$"""{"supported":["{{ModernRevision}}"]}""");
                return true;
            default:
                return false;
        }
    }

    public static string Discovered(string serverName) =>
        $$$$"""{"supportedVersions":["{{{{ModernRevision}}}}"],"capabilities":{"tools":{}}"""
            + $$$$""","ttlMs":0,"cacheScope":"private","_meta":{"io.modelcontextprotocol/serverInfo":"""
            + $$$$"""{"name":{{{{RawServer.Encode(serverName)}}}},"version":"1"}}}""";

    /// <summary>A result of the 2026-07-28 era: the same object with <c>resultType</c> first.</summary>
    public static string Complete(string resultJson) =>
        resultJson == "{}" ? """{"resultType":"complete"}""" : """{"resultType":"complete",""" + resultJson[1..];
}
