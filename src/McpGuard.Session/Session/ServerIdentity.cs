using System.Buffers;
using System.Text.Json;
using McpGuard.Policy.Json;
using ModelContextProtocol.Protocol;

namespace McpGuard.Session;

/// <summary>
/// The server's self-reported name, from its answer to <c>initialize</c> (<c>result.serverInfo.name</c>) or to
/// <c>server/discover</c> (<c>result._meta["io.modelcontextprotocol/serverInfo"].name</c>). It picks the vendor
/// risk catalogue (docs/policy.md#risk-classes); it is untrusted, like everything a server says, and a policy
/// can pin the catalogue instead (<c>risk.catalogue</c>).
/// </summary>
internal static class ServerIdentity
{
    public const string DiscoverMethod = "server/discover";

    public static bool IsIdentifying(string method) => method is RequestMethods.Initialize or DiscoverMethod;

    /// <summary>
    /// The name in the answer, or null when it carries none (or cannot be read: nothing is decided here).
    /// </summary>
    public static string? Read(ReadOnlySequence<byte> line, string method)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (!root.TryGetProperty("result"u8, out var result) || result.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var info = method == DiscoverMethod
                ? DiscoveredInfo(result)
                : result.TryGetProperty("serverInfo"u8, out var initialized) ? initialized : default;
            return info.ValueKind == JsonValueKind.Object && info.TryGetProperty("name"u8, out var name)
                ? JsonText.TryGetString(name)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement DiscoveredInfo(JsonElement result) =>
        result.TryGetProperty("_meta"u8, out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("io.modelcontextprotocol/serverInfo"u8, out var info)
                ? info
                : default;
}
