using McpGuard.Policy.Settings;
using McpGuard.Policy.Yaml;
using YamlDotNet.RepresentationModel;
using static McpGuard.Policy.Yaml.YamlWalker;

namespace McpGuard.Policy.Compile;

/// <summary>
/// <c>serve.auth</c>: <c>none</c>, <c>{ tokens: FILE }</c> or <c>{ oauth: {...} }</c> (docs/serve.md).
/// </summary>
internal sealed class ServeAuthParser(YamlWalker yaml)
{
    private static readonly string[] s_oauthKeys = ["issuer", "audience", "scopes", "agent_claim"];

    public ServeAuth? Parse(YamlNode node)
    {
        if (Scalar(node) == "none")
        {
            return ServeAuth.None.Instance;
        }

        var keys = node is YamlMappingNode map ? yaml.Keys(map, "serve.auth", ["tokens", "oauth"]) : null;
        if (keys is null || keys.Count != 1)
        {
            yaml.Error(node, "serve.auth",
                "must be none, { tokens: agents.yaml } or { oauth: { issuer, audience, ... } }");
            return null;
        }

        if (keys.TryGetValue("tokens", out var tokens))
        {
            if (Scalar(tokens) is { Length: > 0 } file)
            {
                return new ServeAuth.Tokens(file);
            }

            yaml.Error(tokens, "serve.auth.tokens",
                "must be a file such as agents.yaml (written by mcpguard agents add)");
            return null;
        }

        return ParseOAuth(keys["oauth"]);
    }

    private ServeAuth.OAuth? ParseOAuth(YamlNode node)
    {
        var keys = yaml.MappingKeys(
            node, "serve.auth.oauth", s_oauthKeys, "must be a mapping with issuer, audience, scopes, agent_claim");
        if (keys is null)
        {
            return null;
        }

        Uri? issuer = null;
        if (!keys.TryGetValue("issuer", out var issuerNode))
        {
            yaml.Error(node, "serve.auth.oauth.issuer", "is required: the authorization server's URL");
        }
        else if (Scalar(issuerNode) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri)
            && (uri.Scheme == "https" || uri.Scheme == "http" && uri.IsLoopback))
        {
            issuer = uri;
        }
        else
        {
            // The signing keys come from the issuer: over plain HTTP anyone on the path could swap them and mint
            // tokens the guard accepts.
            yaml.Error(issuerNode, "serve.auth.oauth.issuer",
                "must be an https URL such as https://auth.example.com (http only for a loopback address)");
        }

        string? audience = null;
        if (!keys.TryGetValue("audience", out var audienceNode))
        {
            yaml.Error(node, "serve.auth.oauth.audience",
                "is required: the guard's own resource URL (https://guard.example.com/mcp)");
        }
        else if (Scalar(audienceNode) is { Length: > 0 } text)
        {
            audience = text;
        }
        else
        {
            yaml.Error(audienceNode, "serve.auth.oauth.audience", "must be the guard's resource URL");
        }

        var scopes = keys.TryGetValue("scopes", out var scopesNode)
            ? yaml.Strings(scopesNode, "serve.auth.oauth.scopes")
            : [];
        var claim = "sub";
        if (keys.TryGetValue("agent_claim", out var claimNode))
        {
            if (Scalar(claimNode) is { Length: > 0 } name)
            {
                claim = name;
            }
            else
            {
                yaml.Error(claimNode, "serve.auth.oauth.agent_claim", "must be a claim name such as sub or client_id");
            }
        }

        return issuer is null || audience is null ? null : new ServeAuth.OAuth(issuer, audience, scopes, claim);
    }
}
