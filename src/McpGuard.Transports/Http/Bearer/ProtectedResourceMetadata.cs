using System.Buffers;
using System.Text.Json;

namespace McpGuard.Http.Bearer;

/// <summary>
/// RFC 9728 protected resource metadata: what a client that got a 401 reads to find where to get a token. The resource
/// is what clients dial: <c>public_url</c> when a proxy is in front (its path may carry a prefix the proxy strips),
/// else the endpoint. The metadata is served, with no auth, at <c>/.well-known/oauth-protected-resource</c> followed
/// by that resource's path (RFC 9728 section 3.1, where both SDKs' clients look), followed by the listener's own path
/// <c>serve.path</c>, and without a path.
/// </summary>
internal static class ProtectedResourceMetadata
{
    public const string WellKnown = "/.well-known/oauth-protected-resource";

    /// <summary>The metadata's path for the endpoint at <paramref name="endpointPath"/> (<c>/mcp</c>).</summary>
    public static string PathFor(string endpointPath) => WellKnown + endpointPath.TrimEnd('/');

    /// <summary>Every path the metadata is served at, the one <see cref="UrlFor"/> names first.</summary>
    public static IReadOnlyList<string> PathsFor(ServeOptions options) =>
        [.. new[] { PathFor(ResourcePath(options)), PathFor(options.Path), WellKnown }.Distinct()];

    /// <summary>
    /// The metadata's absolute URL, for <c>WWW-Authenticate</c>: on <c>public_url</c>'s origin with its path when a
    /// proxy is in front, else on the origin the request came to (its Host was checked already).
    /// </summary>
    public static string UrlFor(ServeOptions options, string scheme, string host) =>
        (options.PublicUrl is { } publicUrl ? publicUrl.GetLeftPart(UriPartial.Authority) : $"{scheme}://{host}")
        + PathFor(ResourcePath(options));

    /// <summary>
    /// The metadata's <c>resource</c>: <c>public_url</c> when set, which clients dial and compare it with (the C#
    /// SDK's client requires the same URL, the TypeScript SDK's the same origin and a parent path), else the
    /// audience, the guard's own resource URL.
    /// </summary>
    public static string ResourceFor(ServeOptions options, GatewayAuth.OAuth settings) =>
        options.PublicUrl?.OriginalString ?? settings.Audience;

    /// <summary>The path of what clients dial: <c>public_url</c>'s when set, else the endpoint's.</summary>
    private static string ResourcePath(ServeOptions options) =>
        options.PublicUrl is { } publicUrl ? publicUrl.AbsolutePath : options.Path;

    public static byte[] Document(ServeOptions options, GatewayAuth.OAuth settings)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("resource"u8, ResourceFor(options, settings));
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
