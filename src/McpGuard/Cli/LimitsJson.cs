using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using McpGuard.Policy.Limits;

namespace McpGuard.Cli;

/// <summary>
/// <c>mcpguard limits --json</c>, written with <see cref="Utf8JsonWriter"/> (no reflection: the build is Native AOT).
/// Amounts are exact JSON numbers.
/// </summary>
internal static class LimitsJson
{
    public static string Format(string store, string counterNamespace, IReadOnlyList<LimitRow> rows)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("store", store);
            writer.WriteString("namespace", counterNamespace);
            writer.WriteStartArray("limits");
            foreach (var row in rows)
            {
                writer.WriteStartObject();
                writer.WriteString("entry", row.Entry);
                writer.WriteString("kind", CounterKinds.Word(row.Kind));
                writer.WriteNumber("window_seconds", row.Window.TotalSeconds);
                var scope = row.Scope switch
                {
                    CounterScope.Session => "session",
                    CounterScope.Agent => "agent",
                    _ => "shared",
                };
                writer.WriteString("scope", scope);
                writer.WriteStartArray("per");
                foreach (var path in row.PerPaths)
                {
                    writer.WriteStringValue(path);
                }

                writer.WriteEndArray();
                if (row.Per.Count > 0)
                {
                    writer.WriteStartObject("per_values");
                    foreach (var (path, value) in row.Per)
                    {
                        writer.WriteString(path, value);
                    }

                    writer.WriteEndObject();
                }

                writer.WritePropertyName("used");
                if (row.Used is { } used)
                {
                    writer.WriteRawValue(used.ToString());
                }
                else
                {
                    writer.WriteNullValue();
                }

                writer.WritePropertyName("max");
                writer.WriteRawValue(row.Max.ToString());
                if (row.FreesUpAt is { } at)
                {
                    writer.WriteString(
                        "frees_up_at",
                        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteNull("frees_up_at");
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
