using System.Buffers;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpGuard.Policy.Limits;

namespace McpGuard.State;

/// <summary>
/// A <see cref="CounterId"/> written down for a store: as JSON (SQLite's <c>per</c> column, Redis's index of a
/// namespace's counters) and as a fixed-length key (Redis), always read back as JSON, never split on a separator.
/// </summary>
internal static class CounterIdentity
{
    public static string PerJson(ImmutableArray<string> per)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in per.AsSpan())
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static ImmutableArray<string> ReadPer(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(v => v.GetString() ?? "")];
    }

    /// <summary>
    /// The whole identity as one JSON object: <c>{"ns":…,"entry":…,"kind":…,"window":ticks,"per":[…]}</c>.
    /// </summary>
    public static string Json(CounterId counter)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("ns", counter.Namespace);
            writer.WriteString("entry", counter.Entry);
            writer.WriteString("kind", CounterKinds.Word(counter.Kind));
            writer.WriteNumber("window", counter.Window.Ticks);
            writer.WriteStartArray("per");
            foreach (var value in counter.Per.AsSpan())
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Reads <see cref="Json"/> back; false for anything else (a store's data is checked, not trusted).
    /// </summary>
    public static bool TryRead(string json, out CounterId counter)
    {
        counter = default;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.GetProperty("ns").GetString() is not { } ns
                || root.GetProperty("entry").GetString() is not { } entry
                || !CounterKinds.TryParse(root.GetProperty("kind").GetString(), out var kind)
                || !root.GetProperty("window").TryGetInt64(out var window))
            {
                return false;
            }

            counter = new CounterId(
                ns,
                entry,
                kind,
                TimeSpan.FromTicks(window),
                [.. root.GetProperty("per").EnumerateArray().Select(v => v.GetString() ?? "")]);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// A short, fixed-length name for a text (SHA-256, hex): Redis keys stay small whatever the namespace or the per
    /// values.
    /// </summary>
    public static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
