namespace McpGuard.Policy.Settings;

/// <summary>
/// The optional <c>serve:</c> block (docs/serve.md): how <c>mcpguard serve</c> listens. Flags override it.
/// </summary>
internal sealed record ServeSettings
{
    public static ServeSettings Default { get; } = new();

    /// <summary><c>listen</c> as written (<c>127.0.0.1:8750</c>, <c>[::1]:8750</c>, <c>0.0.0.0:443</c>).</summary>
    public string Listen { get; init; } = "127.0.0.1:8750";

    /// <summary>The endpoint's path; always starts with a slash.</summary>
    public string Path { get; init; } = "/mcp";

    /// <summary>What clients dial when a TLS proxy is in front; null for the listener's own URL.</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>TLS on the listener itself; null for plain HTTP.</summary>
    public ServeTls? Tls { get; init; }

    /// <summary>
    /// Browser Origins allowed; a request with any other Origin gets 403 (no Origin header: allowed).
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>
    /// Who may call; null when the policy does not say (then only a loopback listener serves, without auth).
    /// </summary>
    public ServeAuth? Auth { get; init; }

    /// <summary>At most this many 2025-era sessions at once (each has its own child).</summary>
    public int MaxSessions { get; init; } = 64;

    /// <summary>A 2025-era session with no request for this long is ended.</summary>
    public TimeSpan SessionIdle { get; init; } = TimeSpan.FromMinutes(30);
}
