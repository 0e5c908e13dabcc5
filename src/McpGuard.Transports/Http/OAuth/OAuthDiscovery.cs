using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpGuard.Http.OAuth;

/// <summary>
/// Finds who issues tokens for an MCP server: its protected resource metadata (RFC 9728), from the
/// <c>resource_metadata</c> of the 401 it answers without a token or else its well-known URL, then the authorization
/// server's metadata (RFC 8414, path-aware, then OpenID discovery).
/// </summary>
internal static partial class OAuthDiscovery
{
    [GeneratedRegex("resource_metadata=\"([^\"]+)\"", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ResourceMetadata();

    public static async Task<ProtectedResource> FindResourceAsync(
        HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        // The 401's own pointer first, if it is a URL the sign-in may fetch (a server's header can name any scheme).
        var candidates = new List<Uri>();
        using (var probe = UnauthenticatedProbe(server))
        using (var answer = await http.SendAsync(probe, cancellationToken))
        {
            if (answer.StatusCode == HttpStatusCode.Unauthorized
                && answer.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var challenges)
                && challenges.Select(c => ResourceMetadata().Match(c)).FirstOrDefault(m => m.Success) is { } match
                && Uri.TryCreate(server, match.Groups[1].Value, out var advertised)
                && OAuthJson.IsHttpsOrLoopback(advertised))
            {
                candidates.Add(advertised);
            }
        }

        var path = server.AbsolutePath.TrimEnd('/');
        candidates.Add(new Uri(server, "/.well-known/oauth-protected-resource" + path));
        candidates.Add(new Uri(server, "/.well-known/oauth-protected-resource"));
        foreach (var candidate in candidates.Distinct())
        {
            using var response = await http.GetAsync(candidate, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                continue;
            }

            using var document =
                await OAuthJson.ReadAsync(response, "The protected resource metadata", cancellationToken);
            var root = document.RootElement;
            var servers = OAuthJson.Strings(root, "authorization_servers");
            if (servers.Count == 0)
            {
                throw new OAuthException($"{candidate} names no authorization server.");
            }

            var resource = OAuthJson.String(root, "resource") ?? server.ToString();
            if (!IsFor(server, resource))
            {
                // RFC 9728 section 3.3: else a server could have the guard fetch a token for another resource,
                // then send it that token.
                throw new OAuthException(
                    $"The metadata at {candidate.GetLeftPart(UriPartial.Path)} is for another resource "
                    + $"({TerminalText.Printable(resource)}), not {server.GetLeftPart(UriPartial.Path)}.");
            }

            return new ProtectedResource(resource, servers, OAuthJson.Strings(root, "scopes_supported"));
        }

        throw new OAuthException(
            $"{server.GetLeftPart(UriPartial.Path)} publishes no OAuth protected resource metadata (RFC 9728);"
                + " it may not need a login.");
    }

    public static async Task<AuthorizationServer> FindServerAsync(
        HttpClient http, string issuer, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var issuerUrl))
        {
            throw new OAuthException("The authorization server's issuer is not a URL.");
        }

        if (issuerUrl.Scheme != Uri.UriSchemeHttps && !(issuerUrl.Scheme == Uri.UriSchemeHttp && issuerUrl.IsLoopback))
        {
            // Its metadata names every endpoint the sign-in uses: read in clear, anyone on the path could swap them.
            throw new OAuthException(
                $"The authorization server {TerminalText.Printable(issuer)} is not an https URL "
                + "(http only for a loopback address).");
        }

        var path = issuerUrl.AbsolutePath.TrimEnd('/');
        Uri[] candidates =
        [
            new(issuerUrl, "/.well-known/oauth-authorization-server" + path),
            new(issuerUrl, "/.well-known/openid-configuration" + path),
            new(issuerUrl.ToString().TrimEnd('/') + "/.well-known/openid-configuration"),
        ];
        foreach (var candidate in candidates.Distinct())
        {
            using var response = await http.GetAsync(candidate, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                continue;
            }

            using var document =
                await OAuthJson.ReadAsync(response, "The authorization server metadata", cancellationToken);
            var root = document.RootElement;
            if (OAuthJson.String(root, "issuer") != issuer)
            {
                // RFC 8414 section 3.3: metadata for another issuer must not be used.
                throw new OAuthException($"The metadata at {candidate} is for another issuer.");
            }

            return new AuthorizationServer(
                issuer,
                RequiredUrl(root, "authorization_endpoint"),
                RequiredUrl(root, "token_endpoint"),
                OAuthJson.Url(root, "registration_endpoint"),
                OAuthJson.Strings(root, "code_challenge_methods_supported").Contains("S256"),
                OAuthJson.IsTrue(root, "client_id_metadata_document_supported"),
                OAuthJson.IsTrue(root, "authorization_response_iss_parameter_supported"));
        }

        throw new OAuthException($"{issuer} publishes no authorization server metadata (RFC 8414).");
    }

    /// <summary>
    /// The metadata's <c>resource</c> names this server: the same origin, and its path this server's path or a
    /// parent of it on a segment boundary (a server at <c>/mcp</c> may be the resource <c>/</c>; as the MCP SDKs
    /// check it).
    /// </summary>
    private static bool IsFor(Uri server, string resource)
    {
        if (!Uri.TryCreate(resource, UriKind.Absolute, out var named)
            || Uri.Compare(named, server, UriComponents.SchemeAndServer, UriFormat.Unescaped,
                StringComparison.OrdinalIgnoreCase) != 0)
        {
            return false;
        }

        var path = named.AbsolutePath.TrimEnd('/') + "/";
        return (server.AbsolutePath.TrimEnd('/') + "/").StartsWith(path, StringComparison.Ordinal);
    }

    /// <summary>A POST without a token: a server that needs one answers 401, naming its metadata there.</summary>
    private static HttpRequestMessage UnauthenticatedProbe(Uri server) =>
        new(HttpMethod.Post, server) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };

    private static Uri RequiredUrl(JsonElement root, string name) =>
        OAuthJson.Url(root, name) ?? throw new OAuthException($"The authorization server has no usable {name}.");
}
