using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpGuard.Inventory;

/// <summary>
/// Opens a connection in the era the server speaks without sending anything that ends a server. <c>initialize</c>
/// goes first: a 2025-era server built on the Python SDK 1.9.3 (the real Bybit server's lock) exits on any other
/// request before it, while a 2026-07-28-only server answers <c>initialize</c> with an error and stays. Only that
/// error leads to <c>server/discover</c>, on the same connection. A dual-era server takes <c>initialize</c> and
/// lists the same tools in either era. (docs/relay.md, "The guard's own connections".)
/// </summary>
internal static class ProbeHandshake
{
    public const string LegacyRevision = "2025-11-25";

    public const string ModernRevision = "2026-07-28";

    public const string DiscoverMethod = "server/discover";

    private const string MetaPrefix = "io.modelcontextprotocol/";

    public static async Task<ProbeSession> OpenAsync(ProbeConnection connection, CancellationToken cancellationToken)
    {
        var initialize = new JsonObject
        {
            ["protocolVersion"] = LegacyRevision,
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = ClientInfo(),
        };
        var answer = await connection.RequestAsync(RequestMethods.Initialize, initialize, cancellationToken);
        if (answer is not ProbeAnswer.Result)
        {
            return await DiscoverAsync(connection, answer, cancellationToken);
        }

        // Any 2025 revision the server picks will do: the probe only lists tools, which every revision has.
        var result = ((ProbeAnswer.Result)answer).Value as JsonObject;
        if (result?["protocolVersion"]?.GetValueKind() != JsonValueKind.String)
        {
            throw new McpException("the server's initialize answer names no protocol version");
        }

        var name = ServerName(result["serverInfo"], "initialize");
        await connection.NotifyAsync(NotificationMethods.InitializedNotification, cancellationToken);
        return new ProbeSession(name, IsModern: false);
    }

    /// <summary>The 2026-07-28 envelope of the modern requests (new each time: a node has one parent).</summary>
    public static JsonObject Envelope() => new()
    {
        [MetaPrefix + "protocolVersion"] = ModernRevision,
        [MetaPrefix + "clientInfo"] = ClientInfo(),
        [MetaPrefix + "clientCapabilities"] = new JsonObject(),
    };

    private static async Task<ProbeSession> DiscoverAsync(
        ProbeConnection connection, ProbeAnswer initialize, CancellationToken cancellationToken)
    {
        var discover = new JsonObject { ["_meta"] = Envelope() };
        var answer = await connection.RequestAsync(DiscoverMethod, discover, cancellationToken);
        if (answer is ProbeAnswer.Unanswered unanswered && initialize is ProbeAnswer.Unanswered first
            && unanswered.Why == first.Why)
        {
            // The guard's own "no answer" to both, alike (an upstream it could not reach): the era was not the
            // question, and saying it twice only hid it.
            throw new UpstreamUnansweredException(unanswered);
        }

        if (answer is not ProbeAnswer.Result)
        {
            throw new McpException(
                $"the server refused initialize ({MessageOf(initialize)}) and {DiscoverMethod} ({MessageOf(answer)})");
        }

        var result = ((ProbeAnswer.Result)answer).Value as JsonObject
            ?? throw new McpException($"the server's {DiscoverMethod} answer is not an object");
        var versions = result["supportedVersions"] as JsonArray
            ?? throw new McpException($"the server's {DiscoverMethod} answer has no list of supported versions");
        if (!versions.Any(v => v?.GetValueKind() == JsonValueKind.String && (string?)v == ModernRevision))
        {
            throw new McpException(
                $"the server refused initialize ({MessageOf(initialize)}) and does not offer {ModernRevision}");
        }

        var info = (result["_meta"] as JsonObject)?[MetaPrefix + "serverInfo"];
        return new ProbeSession(ServerName(info, DiscoverMethod), IsModern: true);
    }

    private static JsonObject ClientInfo() => new() { ["name"] = "mcpguard", ["version"] = "1" };

    private static string? ServerName(JsonNode? info, string method) => info switch
    {
        null => null,
        JsonObject o => o["name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String
            ? (string?)name
            : null,
        _ => throw new McpException($"the server's {method} answer has a serverInfo that is not an object"),
    };

    private static string? MessageOf(ProbeAnswer answer) => answer switch
    {
        ProbeAnswer.Refused refused => refused.Message,
        ProbeAnswer.Unanswered unanswered => unanswered.Message,
        _ => null,
    };
}
