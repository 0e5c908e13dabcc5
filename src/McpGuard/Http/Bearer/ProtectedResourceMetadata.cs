using System.Buffers;
using System.Text.Json;
using McpGuard.Policy.Settings;

namespace McpGuard.Http.Bearer;

/// <summary>
/// RFC 9728 protected resource metadata: what a client that got a 401 reads to find where to get a token. Served
/// at <c>/.well-known/oauth-protected-resource</c> followed by the endpoint's path (and without it), with no auth.
/// </summary>
internal static class ProtectedResourceMetadata
{
    public const string WellKnown = "/.well-known/oauth-protected-resource";

    /// <summary>The metadata's path for the endpoint at <paramref name="endpointPath"/> (<c>/mcp</c>).</summary>
    public static string PathFor(string endpointPath) => WellKnown + endpointPath.TrimEnd('/');

    /// <summary>
    /// The metadata's absolute URL, for <c>WWW-Authenticate</c>: on <c>public_url</c>'s origin when a proxy is in
    /// front, else on the origin the request came to (its Host was checked already).
    /// </summary>
    public static string UrlFor(ServeOptions options, string scheme, string host) =>
        (options.PublicUrl is { } publicUrl ? publicUrl.GetLeftPart(UriPartial.Authority) : $"{scheme}://{host}")
        + PathFor(options.Path);

    public static byte[] Document(ServeAuth.OAuth settings)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("resource"u8, settings.Audience);
            writer.WriteStartArray("authorization_servers"u8);
            writer.WriteStringValue(settings.Issuer.OriginalString);
            writer.WriteEndArray();
            if (settings.Scopes.Count > 0)
            {
                writer.WriteStartArray("scopes_supported"u8);
                foreach (var scope in settings.Scopes)
                {
                    writer.WriteStringValue(scope);
                }

                writer.WriteEndArray();
            }

            writer.WriteStartArray("bearer_methods_supported"u8);
            writer.WriteStringValue("header"u8);
            writer.WriteEndArray();
            writer.WriteString("resource_name"u8, "McpGuard");
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
