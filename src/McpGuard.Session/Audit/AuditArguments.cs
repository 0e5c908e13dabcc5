using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpGuard.Policy.Json;

namespace McpGuard.Audit;

/// <summary>
/// How a call's arguments appear in a decision record: redacted, or as a hash of their canonical form.
/// </summary>
internal static class AuditArguments
{
    public const string RedactedValue = "[redacted]";

    // Substrings of property names whose values are replaced in "redact" mode (case-insensitive, any depth).
    // Over-matching ("keyword", "max_tokens") is deliberate: a lost value is cheaper than a leaked key.
    private static readonly string[] s_secretWords =
    [
        "key", "secret", "token", "password", "passwd", "signature", "passphrase", "credential", "authorization",
        "cookie",
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

    /// <summary>
    /// <c>sha256:</c> and the lowercase hex SHA-256 of the element's RFC 8785 form (<see cref="CanonicalJson"/>).
    /// Arguments that have no such form (a number beyond a double, a lone surrogate) are hashed as written:
    /// the record must still be written, and such a value is then matched only by the same bytes.
    /// </summary>
    public static string Hash(JsonElement element)
    {
        var bytes = CanonicalJson.TryEncode(element, out var canonical, out _)
            ? canonical
            : Encoding.UTF8.GetBytes(element.GetRawText());
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
