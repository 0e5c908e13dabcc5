using System.Text.Json;

namespace McpGuard.Http.OAuth;

/// <summary>
/// The token endpoint: a code exchanged with its PKCE verifier, or a refresh; always with the RFC 8707 resource.
/// </summary>
internal static class TokenEndpoint
{
    public static Task<StoredLogin> ExchangeAsync(
        HttpClient http,
        StoredLogin partial,
        string code,
        Uri redirect,
        Pkce pkce,
        TimeProvider time,
        CancellationToken cancellationToken) =>
        RequestAsync(http, partial, time, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirect.ToString(),
            ["client_id"] = partial.ClientId,
            ["code_verifier"] = pkce.Verifier,
            ["resource"] = partial.Resource,
        }, cancellationToken);

    /// <exception cref="OAuthException">The server refused the refresh (revoked, expired) or gave no token.</exception>
    public static Task<StoredLogin> RefreshAsync(
        HttpClient http, StoredLogin login, TimeProvider time, CancellationToken cancellationToken) =>
        login.RefreshToken is not { } refresh
            ? throw new OAuthException("the access token expired and there is no refresh token")
            : RequestAsync(http, login, time, new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refresh,
                ["client_id"] = login.ClientId,
                ["resource"] = login.Resource,
            }, cancellationToken);

    private static async Task<StoredLogin> RequestAsync(
        HttpClient http,
        StoredLogin login,
        TimeProvider time,
        Dictionary<string, string> form,
        CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(login.TokenEndpoint, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = "";
            if (MediaType.Is(response.Content.Headers.ContentType?.ToString(), MediaType.Json))
            {
                using var document = await OAuthJson.ReadAsync(response, "The token error", cancellationToken);
                error = OAuthJson.String(document.RootElement, "error") is { } code
                    && code.All(c => c is '_' or (>= 'a' and <= 'z'))
                        ? $": {code}"
                        : "";
            }

            throw new OAuthException(
                $"the authorization server refused the token request (HTTP {(int)response.StatusCode}{error})");
        }

        using var answer = await OAuthJson.ReadAsync(response, "The token answer", cancellationToken);
        var root = answer.RootElement;
        if (OAuthJson.String(root, "access_token") is not { } accessToken || !OAuthJson.IsUsableToken(accessToken)
            || !string.Equals(OAuthJson.String(root, "token_type"), "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new OAuthException("the token answer has no usable bearer access token");
        }

        return login with
        {
            AccessToken = accessToken,
            // A server that rotates refresh tokens sends a new one; one that does not keeps the old one valid.
            RefreshToken = OAuthJson.String(root, "refresh_token") is { } refresh && OAuthJson.IsUsableToken(refresh)
                ? refresh
                : login.RefreshToken,
            ExpiresAt = OAuthJson.Lifetime(root, "expires_in") is { } lifetime ? time.GetUtcNow() + lifetime : null,
        };
    }
}
