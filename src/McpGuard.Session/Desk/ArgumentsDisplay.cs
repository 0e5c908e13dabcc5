using System.Text.Encodings.Web;
using System.Text.Json;

namespace McpGuard.Desk;

/// <summary>
/// A call's arguments as a person reads them, on the desk page and in an elicitation question: indented JSON,
/// cut to a readable size. Here, not in Approval, so the desk (its own process) needs nothing of the guard's.
/// </summary>
internal static class ArgumentsDisplay
{
    public const int MaxArgumentsChars = 2000;

    // Relaxed escaping: a person reads this text, and no JSON parser does (the desk page sets it as textContent).
    private static readonly JsonWriterOptions s_pretty = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Pretty(JsonElement arguments, int maxChars = MaxArgumentsChars)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return "{}";
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_pretty))
        {
            arguments.WriteTo(writer);
        }

        var text = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        return text.Length <= maxChars
            ? text
            : string.Concat(text.AsSpan(0, maxChars), $"\n… ({text.Length - maxChars} more characters)");
    }
}
