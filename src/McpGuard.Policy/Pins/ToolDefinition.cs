using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using McpGuard.Policy.Json;

namespace McpGuard.Policy.Pins;

/// <summary>
/// A tool as a server lists it (one element of a tools/list result's <c>tools</c>), reduced to what a pin covers:
/// every member except the top-level <c>_meta</c>, which carries transport hints a server may vary from one
/// listing to the next without changing what the tool does (docs/pins.md).
/// </summary>
internal static class ToolDefinition
{
    /// <summary>
    /// The definition without <c>_meta</c> and its pin hash, or why it cannot be pinned (not an object, not I-JSON).
    /// </summary>
    public static bool TryFingerprint(
        JsonElement tool, [NotNullWhen(true)] out PinnedTool? pinned, [NotNullWhen(false)] out string? problem)
    {
        pinned = null;
        if (tool.ValueKind != JsonValueKind.Object
            || !tool.TryGetProperty("name"u8, out var nameElement)
            || JsonText.TryGetString(nameElement) is not { } name)
        {
            problem = "the tool is not an object with a string name";
            return false;
        }

        var withoutMeta = WithoutMeta(tool);
        if (!CanonicalJson.TryEncode(withoutMeta, out var canonical, out problem))
        {
            return false;
        }

        using var document = JsonDocument.Parse(canonical);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(canonical));
        pinned = new PinnedTool(name, sha256, document.RootElement.Clone());
        return true;
    }

    private static JsonElement WithoutMeta(JsonElement tool)
    {
        if (!tool.TryGetProperty("_meta"u8, out _))
        {
            return tool;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in tool.EnumerateObject())
            {
                if (!property.NameEquals("_meta"u8))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
