using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGuard.Session;

/// <summary>
/// The guard sends <c>notifications/tools/list_changed</c> itself when a policy reload changes what is hidden
/// (docs/policy.md#hot-reload), so the client is told it may: a server's <c>initialize</c> answer whose
/// <c>capabilities.tools</c> lacks <c>listChanged: true</c> reaches the client with it set, everything else as the
/// server wrote it. A server without the <c>tools</c> capability is left alone.
/// </summary>
internal static class ToolsListChangedCapability
{
    private static readonly JsonWriterOptions s_writer =
        new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The answer with <c>listChanged: true</c>; null when it has it already or names no tools.</summary>
    public static byte[]? Advertised(ReadOnlySequence<byte> answer)
    {
        JsonNode? root;
        try
        {
            var reader = new Utf8JsonReader(answer);
            root = JsonNode.Parse(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root?["result"] is not JsonObject result || result["capabilities"] is not JsonObject capabilities
            || capabilities["tools"] is not JsonObject tools
            || tools["listChanged"] is JsonValue known && known.GetValueKind() == JsonValueKind.True)
        {
            return null;
        }

        tools["listChanged"] = true;
        var buffer = new ArrayBufferWriter<byte>(answer.Length > int.MaxValue - 32 ? 256 : (int)answer.Length + 32);
        using (var writer = new Utf8JsonWriter(buffer, s_writer))
        {
            root.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
