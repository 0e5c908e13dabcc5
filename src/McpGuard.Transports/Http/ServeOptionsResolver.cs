using System.Diagnostics.CodeAnalysis;
using System.Net;
using McpGuard.Policy;
using McpGuard.Policy.Settings;

namespace McpGuard.Http;

/// <summary>The policy's <c>serve:</c> block with the flags applied, and the combinations that are refused.</summary>
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
        ServeAuth auth;
        switch (serve.Auth)
        {
            case null or ServeAuth.None when !loopback:
                error = $"listening on {listenText}, which is not a loopback address, "
                    + "needs serve.auth (tokens or oauth) in the policy";
                return false;
            case null or ServeAuth.None:
                auth = ServeAuth.None.Instance;
                break;
            case ServeAuth.Tokens tokens:
                auth = new ServeAuth.Tokens(AgentsFilePath.Resolve(policy, tokens.File));
                break;
            case ServeAuth.OAuth oauth:
                auth = oauth;
                break;
            default:
                throw new InvalidOperationException("unknown serve.auth");
        }

        var tls = serve.Tls is { } t
            ? new ServeTls(AgentsFilePath.Resolve(policy, t.Certificate), AgentsFilePath.Resolve(policy, t.Key))
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
}
