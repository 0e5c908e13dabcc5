using System.Security.Cryptography;

namespace McpGuard.Http.OAuth;

/// <summary>
/// <c>mcpguard login</c>: OAuth 2.1 authorization code with PKCE (S256) for one MCP server. Discovery (RFC 9728 then
/// RFC 8414), a client (dynamic registration, RFC 7591, or the <c>--client-id</c> given: a pre-registered id or a
/// Client ID Metadata Document URL), the browser step with a loopback redirect, the code exchanged for tokens bound
/// to the server by the RFC 8707 <c>resource</c>, and the tokens stored per issuer.
/// </summary>
internal sealed class LoginFlow(HttpClient http, TokenStore store, TimeProvider time)
{
    /// <param name="showAuthorizationUrl">Shows the person the page to sign in on (prints it, opens a browser).</param>
    public async Task<StoredLogin> RunAsync(
        Uri url, string? clientId, Func<Uri, Task> showAuthorizationUrl, CancellationToken cancellationToken)
    {
        var resource = await OAuthDiscovery.FindResourceAsync(http, url, cancellationToken);
        var server = await OAuthDiscovery.FindServerAsync(http, resource.AuthorizationServers[0], cancellationToken);
        if (!server.SupportsS256)
        {
            throw new OAuthException(
                $"{server.Issuer} does not offer PKCE with S256, and McpGuard signs in only with it.");
        }

        using var redirect = new LoopbackRedirect();
        clientId ??= server.RegistrationEndpoint is not null
            ? await ClientRegistration.RegisterAsync(http, server, redirect.Uri, cancellationToken)
            : throw new OAuthException(server.SupportsClientIdMetadataDocuments
                ? $"{server.Issuer} takes Client ID Metadata Documents only: pass --client-id with the URL of yours."
                : $"{server.Issuer} offers no dynamic registration: pass --client-id with a client registered there.");

        var pkce = Pkce.Create();
        var state = Pkce.Base64Url(RandomNumberGenerator.GetBytes(16));
        var query = new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirect.Uri.ToString(),
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = state,
            ["resource"] = resource.Resource,
        };
        if (resource.Scopes.Count > 0)
        {
            query["scope"] = string.Join(' ', resource.Scopes);
        }

        var separator = server.AuthorizationEndpoint.Query.Length > 0 ? "&" : "?";
        var parameters = string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        await showAuthorizationUrl(new Uri(server.AuthorizationEndpoint + separator + parameters));

        var answer = await redirect.WaitAsync(state, cancellationToken);
        Check(answer, state, server);
        var unsigned = new StoredLogin
        {
            Url = StoredLogin.KeyOf(url),
            Issuer = server.Issuer,
            ClientId = clientId,
            TokenEndpoint = server.TokenEndpoint,
            Resource = resource.Resource,
            AccessToken = "",
        };
        var login = await TokenEndpoint.ExchangeAsync(
            http, unsigned, answer["code"], redirect.Uri, pkce, time, cancellationToken);
        store.Save(login);
        return login;
    }

    private static void Check(IReadOnlyDictionary<string, string> answer, string state, AuthorizationServer server)
    {
        if (!answer.TryGetValue("state", out var returned) || returned != state)
        {
            throw new OAuthException("The redirect did not carry this sign-in's state; nothing was stored.");
        }

        // RFC 9207: the issuer in the redirect must be the one asked (a mix-up attack otherwise).
        if (answer.TryGetValue("iss", out var iss) ? iss != server.Issuer : server.AnnouncesIssuerInRedirect)
        {
            throw new OAuthException("The redirect came from another issuer than the one asked; nothing was stored.");
        }

        if (answer.TryGetValue("error", out var error))
        {
            var code = error.All(c => c is '_' or (>= 'a' and <= 'z')) ? error : "an error";
            throw new OAuthException($"The sign-in was not completed ({code}).");
        }

        if (!answer.ContainsKey("code"))
        {
            throw new OAuthException("The redirect carried no authorization code.");
        }
    }
}
