namespace McpGuard.Policy.Settings;

/// <summary>The <c>state</c> block: where limit and budget counters live (docs/limits.md).</summary>
internal sealed record StateSettings
{
    /// <summary>
    /// How long a decision waits for the store before it counts as unavailable. Declared before <see cref="Default"/>,
    /// which reads it.
    /// </summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(2);

    public static StateSettings Default { get; } = new();

    public StateStoreKind Store { get; init; } = StateStoreKind.Sqlite;

    /// <summary>
    /// The SQLite file as written (may start with <c>~</c>); null for <c>$MCPGUARD_HOME/state.db</c>.
    /// </summary>
    public string? Path { get; init; }

    /// <summary>The Redis URL (<c>redis://host:port/db</c>, <c>rediss://</c> for TLS); required for Redis.</summary>
    public string? Url { get; init; }

    /// <summary>
    /// Guards with the same store and namespace share counters; null for the policy file's absolute path.
    /// </summary>
    public string? Namespace { get; init; }

    public UnavailableStoreAction OnUnavailable { get; init; } = UnavailableStoreAction.Deny;

    public TimeSpan Timeout { get; init; } = DefaultTimeout;
}
