using System.Buffers;
using System.Text.Json;

namespace McpGuard.Session;

/// <summary>
/// The client's <c>sampling.tools</c> capability tells a server it may ask the model to pick tools. Unless the policy
/// judges those picks (<c>sampling: { tools: judge }</c>) the guard takes it out of what it forwards: from
/// <c>initialize</c> (2025 era) and from every request's <c>_meta</c> (2026-07-28 era), so a well-behaved server
/// never asks (docs/relay.md#tasks-and-sampling-with-tools). Everything else is copied as parsed.
/// </summary>
internal static class SamplingToolsCapability
{
    private static readonly string[][] s_paths =
    [
        ["params", "capabilities", "sampling", "tools"],
        ["params", "_meta", ModernMeta.ClientCapabilitiesKey, "sampling", "tools"],
    ];

    /// <summary>
    /// The message without the capability, or null when it declares none (the common case: nothing is copied).
    /// </summary>
    public static byte[]? Strip(JsonElement message)
    {
        List<string[]>? present = null;
        foreach (var path in s_paths)
        {
            if (Has(message, path))
            {
                (present ??= []).Add(path);
            }
        }

        if (present is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CopyWithout(writer, message, [.. present], depth: 0);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool Has(JsonElement element, string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Copies <paramref name="element"/>, leaving out the last member of each path that runs through it.
    /// </summary>
    private static void CopyWithout(Utf8JsonWriter writer, JsonElement element, string[][] paths, int depth)
    {
        if (paths.Length == 0 || element.ValueKind != JsonValueKind.Object)
        {
            element.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        foreach (var member in element.EnumerateObject())
        {
            var through = paths.Where(path => member.NameEquals(path[depth])).ToArray();
            if (through.Any(path => path.Length == depth + 1))
            {
                continue;
            }

            writer.WritePropertyName(member.Name);
            CopyWithout(writer, member.Value, through, depth + 1);
        }

        writer.WriteEndObject();
    }
}
