using System.Text.Json;

namespace McpGuard.Policy.Json;

/// <summary>Reading strings that come from an agent or a server, which may be anything JSON can spell.</summary>
internal static class JsonText
{
    /// <summary>
    /// The string's value, or null when it is not a string or escapes a lone surrogate (<c>"\ud800"</c>):
    /// valid JSON that no .NET string can hold, where <see cref="JsonElement.GetString"/> throws.
    /// </summary>
    public static string? TryGetString(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether a string element equals <paramref name="text"/>; null when it is not a string or holds a lone surrogate.
    /// </summary>
    public static bool? TryValueEquals(JsonElement value, string text)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.ValueEquals(text);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The same with the text in UTF-8 (<see cref="ArgumentPath.Utf8"/>): nothing to transcode per call.
    /// </summary>
    public static bool? TryValueEquals(JsonElement value, ReadOnlySpan<byte> utf8Text)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.ValueEquals(utf8Text);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
