using System.Diagnostics.CodeAnalysis;
using System.Net;
using McpGuard.Http;
using McpGuard.Policy;
using McpGuard.Policy.Agents;
using McpGuard.Policy.Settings;

namespace McpGuard.Composition;

/// <summary>
/// The policy's <c>serve:</c> block with the flags applied, and the combinations that are refused: the gateway's own
/// settings (<see cref="ServeOptions"/>), so the transports read no policy (docs/architecture.md "The layers").
/// </summary>
internal static class ServeOptionsResolver
{
    /// <summary>The options, or false with the one-line reason (exit 2) in <paramref name="error"/>.</summary>
    public static bool TryResolve(
        CompiledPolicy policy, string? listenFlag, TimeSpan drain,
        [NotNullWhen(true)] out ServeOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        var serve = policy.Serve;
        var listenText = listenFlag ?? serve.Listen;
        if (!IPEndPoint.TryParse(listenText, out var listen) || !listenText.Contains(':', StringComparison.Ordinal))
        {
            error = $"--listen must be ADDRESS:PORT such as 127.0.0.1:8750, not '{listenText}'";
            return false;
        }

        var loopback = IPAddress.IsLoopback(listen.Address);
        GatewayAuth auth;
        switch (serve.Auth)
        {
            case null or ServeAuth.None when !loopback:
                error = $"listening on {listenText}, which is not a loopback address, "
                    + "needs serve.auth (tokens or oauth) in the policy";
                return false;
            case null or ServeAuth.None:
                auth = GatewayAuth.None.Instance;
                break;
            case ServeAuth.Tokens tokens:
                auth = new GatewayAuth.Tokens(AgentsFilePath.Resolve(policy, tokens.File), ReadAgents);
                break;
            case ServeAuth.OAuth oauth:
                auth = new GatewayAuth.OAuth(oauth.Issuer, oauth.Audience, oauth.Scopes, oauth.AgentClaim);
                break;
            default:
                throw new InvalidOperationException("unknown serve.auth");
        }

        var tls = serve.Tls is { } t
            ? new GatewayTls(AgentsFilePath.Resolve(policy, t.Certificate), AgentsFilePath.Resolve(policy, t.Key))
            : null;
        options = new ServeOptions
        {
            Listen = listen,
            Path = serve.Path,
            PublicUrl = serve.PublicUrl,
            Tls = tls,
            AllowedOrigins = serve.AllowedOrigins,
            Auth = auth,
            MaxSessions = serve.MaxSessions,
            SessionIdle = serve.SessionIdle,
            Drain = drain,
        };
        error = null;
        return true;
    }

    /// <summary>The agents file's entries as the gateway's token table needs them (the YAML is the policy's).</summary>
    public static IReadOnlyList<AgentToken> ReadAgents(string path) =>
        [.. AgentsFile.Read(path).Select(entry => new AgentToken(entry.Name, entry.TokenHash))];
}
