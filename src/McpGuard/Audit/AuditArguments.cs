using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace McpGuard.Audit;

/// <summary>How a call's arguments appear in a decision record: redacted, or as a hash of their canonical form.</summary>
internal static class AuditArguments
{
    public const string RedactedValue = "[redacted]";

    // Substrings of property names whose values are replaced in "redact" mode (case-insensitive, any depth).
    // Over-matching ("keyword", "max_tokens") is deliberate: a lost value is cheaper than a leaked key.
    private static readonly string[] s_secretWords =
    [
        "key", "secret", "token", "password", "passwd", "signature", "passphrase", "credential", "authorization", "cookie",
    ];

    public static IReadOnlyList<string> SecretWords => s_secretWords;

    public static bool LooksSecret(string propertyName)
    {
        foreach (var word in s_secretWords)
        {
            if (propertyName.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes <paramref name="element"/> with the value of every secret-looking property replaced.</summary>
    /// <returns>True when at least one value was replaced.</returns>
    public static bool WriteRedacted(Utf8JsonWriter writer, JsonElement element)
    {
        var replaced = false;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    if (LooksSecret(property.Name))
                    {
                        writer.WriteStringValue(RedactedValue);
                        replaced = true;
                    }
                    else
                    {
                        replaced |= WriteRedacted(writer, property.Value);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    replaced |= WriteRedacted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }

        return replaced;
    }

    /// <summary><c>sha256:</c> and the lowercase hex SHA-256 of <see cref="CanonicalJson"/>'s form of the element.</summary>
    public static string Hash(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        CanonicalJson.Write(buffer, element);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }
}
