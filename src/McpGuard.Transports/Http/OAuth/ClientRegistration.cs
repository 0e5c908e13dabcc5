using System.Buffers;
using System.Text.Json;

namespace McpGuard.Http.OAuth;

/// <summary>
/// Registers McpGuard with the authorization server by RFC 7591 dynamic registration: a public native client (no
/// secret, PKCE) whose only redirect is this login's loopback address.
/// </summary>
internal static class ClientRegistration
{
    public static async Task<string> RegisterAsync(
        HttpClient http, AuthorizationServer server, Uri redirect, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("client_name", "McpGuard");
            writer.WriteString("application_type", "native");
            writer.WriteStartArray("redirect_uris");
            writer.WriteStringValue(redirect.ToString());
            writer.WriteEndArray();
            writer.WriteStartArray("grant_types");
            writer.WriteStringValue("authorization_code");
            writer.WriteStringValue("refresh_token");
            writer.WriteEndArray();
            writer.WriteStartArray("response_types");
            writer.WriteStringValue("code");
            writer.WriteEndArray();
            writer.WriteString("token_endpoint_auth_method", "none");
            writer.WriteEndObject();
        }

        using var content = new ReadOnlyMemoryContent(body.WrittenMemory);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(MediaType.Json);
        using var response = await http.PostAsync(server.RegistrationEndpoint, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new OAuthException(
                $"The authorization server refused to register McpGuard (HTTP {(int)response.StatusCode}).");
        }

        using var document = await OAuthJson.ReadAsync(response, "The registration answer", cancellationToken);
        return OAuthJson.String(document.RootElement, "client_id")
            ?? throw new OAuthException("The registration answer has no client_id.");
    }
}
