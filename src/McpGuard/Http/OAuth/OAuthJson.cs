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
        && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
            ? url
            : null;
}
