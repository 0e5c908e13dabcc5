using McpGuard.Policy.Settings;
using YamlDotNet.RepresentationModel;

namespace McpGuard.Policy.Compile;

internal sealed partial class PolicyCompiler
{
    /// <summary><c>serve.auth</c>: <c>none</c>, <c>{ tokens: FILE }</c> or <c>{ oauth: {...} }</c>.</summary>
    private ServeAuth? ParseServeAuth(YamlNode node)
    {
        if (Scalar(node) == "none")
        {
            return ServeAuth.None.Instance;
        }

        var keys = node is YamlMappingNode map ? Keys(map, "serve.auth", ["tokens", "oauth"]) : null;
        if (keys is null || keys.Count != 1)
        {
            Error(node, "serve.auth", "must be none, { tokens: agents.yaml } or { oauth: { issuer, audience, ... } }");
            return null;
        }

        if (keys.TryGetValue("tokens", out var tokens))
        {
            if (Scalar(tokens) is { Length: > 0 } file)
            {
                return new ServeAuth.Tokens(file);
            }

            Error(tokens, "serve.auth.tokens", "must be a file such as agents.yaml (written by mcpguard agents add)");
            return null;
        }

        return ParseOAuth(keys["oauth"]);
    }

    private ServeAuth.OAuth? ParseOAuth(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "serve.auth.oauth", "must be a mapping with issuer, audience, scopes, agent_claim");
            return null;
        }

        var keys = Keys(map, "serve.auth.oauth", s_oauthKeys);
        Uri? issuer = null;
        if (!keys.TryGetValue("issuer", out var issuerNode))
        {
            Error(map, "serve.auth.oauth.issuer", "is required: the authorization server's URL");
        }
        else if (Scalar(issuerNode) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            issuer = uri;
        }
        else
        {
            Error(issuerNode, "serve.auth.oauth.issuer", "must be a URL such as https://auth.example.com");
        }

        string? audience = null;
        if (!keys.TryGetValue("audience", out var audienceNode))
        {
            Error(map, "serve.auth.oauth.audience", "is required: the guard's own resource URL (https://guard.example.com/mcp)");
        }
        else if (Scalar(audienceNode) is { Length: > 0 } text)
        {
            audience = text;
        }
        else
        {
            Error(audienceNode, "serve.auth.oauth.audience", "must be the guard's resource URL");
        }

        var scopes = keys.TryGetValue("scopes", out var scopesNode) ? ParseStrings(scopesNode, "serve.auth.oauth.scopes") : [];
        var claim = "sub";
        if (keys.TryGetValue("agent_claim", out var claimNode))
        {
            if (Scalar(claimNode) is { Length: > 0 } name)
            {
                claim = name;
            }
            else
            {
                Error(claimNode, "serve.auth.oauth.agent_claim", "must be a claim name such as sub or client_id");
            }
        }

        return issuer is null || audience is null ? null : new ServeAuth.OAuth(issuer, audience, scopes, claim);
    }
}
