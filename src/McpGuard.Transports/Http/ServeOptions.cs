using System.Net;

namespace McpGuard.Http;

/// <summary>What <c>mcpguard serve</c> runs with: the policy's <c>serve:</c> block with the flags applied
/// (Composition/ServeOptionsResolver).</summary>
internal sealed record ServeOptions
{
    public required IPEndPoint Listen { get; init; }

    /// <summary>The endpoint's path (<c>/mcp</c>).</summary>
    public required string Path { get; init; }

    /// <summary>What clients dial when a proxy is in front; null when they dial the listener.</summary>
    public Uri? PublicUrl { get; init; }

    public GatewayTls? Tls { get; init; }

    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>How callers are known; <see cref="GatewayAuth.None"/> only on loopback.</summary>
    public required GatewayAuth Auth { get; init; }

    public int MaxSessions { get; init; } = 64;

    public TimeSpan SessionIdle { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long in-flight requests may finish after SIGTERM.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Concurrent requests one agent may have open; more get 429.</summary>
    public int MaxRequestsPerAgent { get; init; } = 32;

    /// <summary>A body longer than this gets 413 (the relay's message limit).</summary>
    public long MaxMessageBytes { get; init; } = 256L * 1024 * 1024;

    public bool IsLoopback => IPAddress.IsLoopback(Listen.Address);
}
