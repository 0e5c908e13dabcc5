using System.Globalization;
using System.Text.Json;

namespace McpGuard.Http.OAuth;

/// <summary>
/// Reads the JSON documents of OAuth endpoints without reflection (Native AOT): strings, string arrays, numbers.
/// </summary>
internal static class OAuthJson
{
    public static async Task<JsonDocument> ReadAsync(
        HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new OAuthException($"{what} is not a JSON object.");
            }

            return document;
        }
        catch (JsonException)
        {
            throw new OAuthException($"{what} is not JSON.");
        }
    }

    public static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static IReadOnlyList<string> Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];

    public static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
        && value.TryGetInt64(out var number)
            ? number
            : null;

    /// <summary>Whether a metadata flag is the JSON <c>true</c>; absent or anything else is false.</summary>
    public static bool IsTrue(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>An absolute http(s) URL from a metadata field; https unless it is a loopback address.</summary>
    public static Uri? Url(JsonElement element, string name) =>
        String(element, name) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var url)
        && IsHttpsOrLoopback(url)
            ? url
            : null;

    /// <summary>
    /// A token the guard can send as <c>Authorization: Bearer TOKEN</c>: not empty, visible ASCII only (RFC 6750's
    /// b64token is a part of it). An authorization server's other strings are data: a line break would end the header.
    /// </summary>
    public static bool IsUsableToken(string? token) =>
        token is { Length: > 0 } && token.AsSpan().IndexOfAnyExceptInRange('!', '~') < 0;

    /// <summary>https, or plain http to a loopback address: the only URLs the sign-in fetches or sends to.</summary>
    public static bool IsHttpsOrLoopback(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback);

    /// <summary>
    /// A token answer's <c>expires_in</c> as a lifetime: a number of seconds, also written as a string of digits
    /// (some providers do); clamped to ten years, so a hostile value cannot overflow the expiry; null when absent.
    /// </summary>
    public static TimeSpan? Lifetime(JsonElement element, string name)
    {
        long? seconds = Number(element, name)
            ?? (String(element, name) is { } text
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : null);
        return seconds is { } value ? TimeSpan.FromSeconds(Math.Clamp(value, 0, MaxLifetimeSeconds)) : null;
    }

    private const long MaxLifetimeSeconds = 10L * 365 * 24 * 60 * 60;
}
