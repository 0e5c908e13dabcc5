namespace McpGuard.Policy.Settings;

/// <summary><c>serve.auth</c>: how the gateway knows who calls. A closed set.</summary>
internal abstract record ServeAuth
{
    private ServeAuth()
    {
    }

    /// <summary><c>auth: none</c>: nobody is asked; only on a loopback listener.</summary>
    public sealed record None : ServeAuth
    {
        public static None Instance { get; } = new();
    }

    /// <summary><c>auth: { tokens: agents.yaml }</c>: bearer tokens per agent, the file holds their SHA-256.</summary>
    public sealed record Tokens(string File) : ServeAuth;

    /// <summary><c>auth: { oauth: {...} }</c>: the guard as an OAuth 2.1 resource server.</summary>
    public sealed record OAuth(Uri Issuer, string Audience, IReadOnlyList<string> Scopes, string AgentClaim)
        : ServeAuth;
}
