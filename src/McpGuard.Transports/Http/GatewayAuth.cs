namespace McpGuard.Http;

/// <summary>
/// How the gateway knows who calls (docs/serve.md). The transport's own settings, made from the policy's
/// <c>serve.auth</c> by the tool (Composition/ServeOptionsResolver), so the transports name no policy type.
/// </summary>
internal abstract record GatewayAuth
{
    private GatewayAuth()
    {
    }

    /// <summary>Nobody is asked; only on a loopback listener.</summary>
    public sealed record None : GatewayAuth
    {
        public static None Instance { get; } = new();
    }

    /// <summary>
    /// Bearer tokens per agent: <paramref name="File"/> is the agents file, <paramref name="Read"/> reads its entries
    /// (throwing <see cref="InvalidDataException"/> or <see cref="IOException"/> on a broken or unreadable file).
    /// </summary>
    public sealed record Tokens(string File, Func<string, IReadOnlyList<AgentToken>> Read) : GatewayAuth;

    /// <summary>The guard as an OAuth 2.1 resource server.</summary>
    public sealed record OAuth(Uri Issuer, string Audience, IReadOnlyList<string> Scopes, string AgentClaim)
        : GatewayAuth;
}
